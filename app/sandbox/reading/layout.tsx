import { RisHeader } from '../ris/RisTabs';

export default function ReadingLayout({ children }: { children: React.ReactNode }) {
  return <RisHeader title="Reading worklist">{children}</RisHeader>;
}
