// The consoles' eyebrow line: which sandbox they show and the AE title they speak for, e.g.
// "My sandbox · archive AE PACS_K7Q2" (the switcher above every /sandbox page changes it).
import { currentSandboxInfo } from './_lib/current';

export async function SandboxTag({ role }: { role?: 'archive' | 'worklist' }) {
  const info = await currentSandboxInfo();
  const label = info?.label ?? 'Demo hospital (shared)';
  const ae = role === 'archive' ? `archive AE ${info?.archiveAe ?? 'PACS'}` : role === 'worklist' ? `worklist broker AE ${info?.worklistAe ?? 'RIS'}` : null;
  return (
    <span data-testid="sandbox-tag">
      {label}
      {ae && <> · {ae}</>}
    </span>
  );
}
