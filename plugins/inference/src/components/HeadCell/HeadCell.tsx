import TableCell, { TableCellProps } from '@material-ui/core/TableCell';

/**
 * A column heading of the cards' small tables. Headings stay on one line: in a half-width card the theme would
 * otherwise break "Allocated" into "Alloc ated".
 */
export function HeadCell(props: TableCellProps) {
  return (
    <TableCell {...props} style={{ whiteSpace: 'nowrap', ...props.style }} />
  );
}
