import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { ReactNode } from 'react';

/**
 * An error of a card with a way to try again (the backend may just have restarted).
 */
export function RetryableError(props: { error: Error; onRetry(): void }) {
  return (
    <Box>
      <ResponseErrorPanel error={props.error} />
      <Box mt={1}>
        <Button variant="outlined" size="small" onClick={props.onRetry}>
          Retry
        </Button>
      </Box>
    </Box>
  );
}

/**
 * The body of a card in the order every inference card follows: progress while the first answer is on its way,
 * the error with a retry, the empty state when there is nothing to show, else the content. While a retry or a
 * refresh runs the previous content stays.
 */
export function CardStates<T>(props: {
  loading: boolean;
  error?: Error;
  value?: T;
  retry(): void;
  /** An empty state for a value with nothing to show, or undefined to show the content. */
  empty?: (value: T) => ReactNode | undefined;
  children: (value: T) => ReactNode;
}) {
  const { loading, error, value, retry } = props;
  if (loading && value === undefined) return <Progress />;
  if (error && !loading)
    return <RetryableError error={error} onRetry={retry} />;
  if (value === undefined) return <Progress />;
  const empty = props.empty?.(value);
  if (empty) return <>{empty}</>;
  return <>{props.children(value)}</>;
}
