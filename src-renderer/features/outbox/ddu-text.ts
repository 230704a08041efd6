/** A documented DDU type (api/delivery DDU_TYPES) in the user's language; an undocumented value as the platform wrote it. */
export function dduText(t: (k: string) => string, type: string): string {
  const key = `outbox.dduTypes.${type}`;
  const text = t(key);
  return text === key ? type : text;
}
