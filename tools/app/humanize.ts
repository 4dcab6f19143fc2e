/** `request-template-with-oauth` → `Request Template With Oauth`; used when no display name is given. */
export function humanize(name: string): string {
  return name
    .split(/[-_\s]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
