// Every place in the sandbox that a lesson may link to with <TryIt href="…" />. The content test checks each
// TryIt link against this list, so a renamed or removed console page fails the test instead of a student's click.
export const SANDBOX_PLACES = [
  '/sandbox',
  '/sandbox/pacs',
  '/sandbox/pacs/network-log',
  '/sandbox/pacs/nodes',
  '/sandbox/pacs/storage',
  '/sandbox/ris',
  '/sandbox/ris/worklist',
  '/sandbox/ris/interfaces',
  '/sandbox/reading',
  '/sandbox/modality/CT1',
  '/sandbox/modality/DX1',
  '/sandbox/modality/MR1',
  '/sandbox/modality/US1',
  '/sandbox/viewer',
  '/sandbox/compression',
  '/sandbox/scenarios',
] as const;

export type SandboxPlace = (typeof SANDBOX_PLACES)[number];

export function isSandboxPlace(href: string): href is SandboxPlace {
  return (SANDBOX_PLACES as readonly string[]).includes(href);
}
