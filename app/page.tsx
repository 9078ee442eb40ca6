import Link from 'next/link';
import { BookOpen, ClipboardCheck, Network, ScanLine, ServerCog, Stethoscope } from 'lucide-react';

const rooms = [
  { href: '/learn', icon: BookOpen, title: 'Learn', text: 'Short lessons on PACS, DICOM, worklists, HL7 and compression, written by technologists for technologists.' },
  { href: '/practice', icon: ClipboardCheck, title: 'Practice', text: 'Registry-style questions with a rationale for every option, so a wrong answer still teaches you something.' },
  { href: '/sandbox', icon: Network, title: 'Sandbox', text: 'A real mini-PACS on a live DICOM network: send studies, break things, and fix them like a PACS administrator.' },
];

export default function Home() {
  return (
    <div>
      <section className="relative overflow-hidden rounded-2xl bg-gradient-to-br from-slate-900 via-slate-800 to-brand-900 px-6 py-12 text-white sm:px-10 sm:py-16">
        <div className="max-w-2xl">
          <p className="inline-flex items-center gap-2 rounded-full bg-white/10 px-3 py-1 text-xs font-medium ring-1 ring-white/20">
            <ScanLine className="h-3.5 w-3.5" aria-hidden /> ARRT registry preparation · image management and informatics
          </p>
          <h1 className="mt-4 text-3xl font-semibold tracking-tight sm:text-4xl">Learn PACS by running one.</h1>
          <p className="mt-4 text-base leading-relaxed text-slate-200 sm:text-lg">
            PACS Lab pairs registry-style lessons and questions with a real embedded mini-PACS: a modality that queries
            its worklist and sends with C-STORE, an archive that speaks DICOM and DICOMweb, and the tools you need when
            a send fails.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Link href="/learn" className="btn bg-white text-slate-900 hover:bg-slate-100">Start learning, no account needed</Link>
            <Link href="/sign-up" className="btn border border-white/30 text-white hover:bg-white/10">Create an account</Link>
          </div>
        </div>
        <ServerCog className="pointer-events-none absolute -bottom-10 -right-10 hidden h-72 w-72 text-white/5 sm:block" aria-hidden />
      </section>

      <section className="mt-10 grid gap-4 md:grid-cols-3" aria-label="What you can do">
        {rooms.map(({ href, icon: Icon, title, text }) => (
          <Link key={href} href={href} className="card group p-6 transition hover:border-brand-500 hover:shadow-md">
            <span className="grid h-10 w-10 place-items-center rounded-lg bg-brand-50 text-brand-700"><Icon className="h-5 w-5" aria-hidden /></span>
            <h2 className="mt-4 text-lg font-semibold group-hover:text-brand-700">{title}</h2>
            <p className="mt-1 text-sm leading-relaxed text-slate-600">{text}</p>
          </Link>
        ))}
      </section>

      <section className="mt-10 grid gap-6 rounded-2xl border border-slate-200 bg-white p-6 sm:p-8 md:grid-cols-[1fr_1.2fr]">
        <div>
          <h2 className="flex items-center gap-2 text-lg font-semibold"><Stethoscope className="h-5 w-5 text-brand-600" aria-hidden /> For instructors and programmes</h2>
          <p className="mt-2 text-sm leading-relaxed text-slate-600">
            Assign fault scenarios (a wrong port, an AE title mismatch, a split study) to a student&apos;s own sandbox and see
            the fix graded by what the archive, the worklist and the MPPS actually hold, not by a multiple-choice guess.
          </p>
          <Link href="/teach" className="btn-secondary mt-4">Instructor area</Link>
        </div>
        <div className="rounded-xl bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-200" aria-label="Example: verifying the archive from a terminal">
          <p className="text-slate-400"># any DICOM client can talk to the sandbox</p>
          <p>$ echoscu -aet CT1 -aec PACS 127.0.0.1 11112</p>
          <p className="text-emerald-300">I: Received Echo Response (Success)</p>
          <p className="mt-2">$ storescu -aet CT1 -aec PACS 127.0.0.1 11112 chest.dcm</p>
          <p className="text-emerald-300">I: Received Store Response (Success)</p>
        </div>
      </section>
    </div>
  );
}
