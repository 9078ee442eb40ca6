import { RisHeader } from '../ris/RisTabs';
import { SandboxTag } from '../SandboxTag';

export default function ReadingLayout({ children }: { children: React.ReactNode }) {
  return <RisHeader title="Reading worklist" tag={<SandboxTag role="worklist" />}>{children}</RisHeader>;
}
