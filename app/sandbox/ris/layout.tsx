import { RisHeader } from './RisTabs';

export default function RisConsoleLayout({ children }: { children: React.ReactNode }) {
  return <RisHeader title="RIS console">{children}</RisHeader>;
}
