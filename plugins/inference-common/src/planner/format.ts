/**
 * Formats GiB for messages (one decimal, two below 10 GiB).
 *
 * @public
 */
export function gib(value: number): string {
  return `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} GiB`;
}
