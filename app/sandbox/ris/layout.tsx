import { RisHeader } from './RisTabs';
import { SandboxTag } from '../SandboxTag';

export default function RisConsoleLayout({ children }: { children: React.ReactNode }) {
  return <RisHeader title="RIS console" tag={<SandboxTag role="worklist" />}>{children}</RisHeader>;
}
