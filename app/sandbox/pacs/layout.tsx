import { ConsoleTabs } from './ConsoleTabs';
import { SandboxTag } from '../SandboxTag';

export default function PacsConsoleLayout({ children }: { children: React.ReactNode }) {
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 pb-3">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">{<SandboxTag role="archive" />}</p>
          <h1 className="text-2xl font-semibold tracking-tight">PACS console</h1>
        </div>
        <ConsoleTabs />
      </div>
      <div className="mt-5">{children}</div>
    </div>
  );
}
