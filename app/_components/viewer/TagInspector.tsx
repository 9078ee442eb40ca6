'use client';
// The tag inspector: the whole header of the image on screen (WADO-RS metadata, PS3.18 10.4.1.1.2) as a tree with
// tag, keyword, VR, VM and value; sequences expand; search by tag, keyword or value; the Patient / Study / Series /
// Image levels coloured; private tags marked with their creator; and a diff against another image.
import { useEffect, useMemo, useState } from 'react';
import { ChevronDown, ChevronRight, GitCompare, Loader2, Search, X } from 'lucide-react';
import { loadMetadata, type ImageRef } from './archive';
import { diff, flatten, formatTag, search, type DicomJson, type Dictionary, type Level } from './tags';

export interface InspectorImage {
  ref: ImageRef;
  label: string;
}

let dictionary: Promise<Dictionary> | null = null;
function loadDictionary(): Promise<Dictionary> {
  dictionary ??= fetch('/sandbox/viewer/dictionary').then((r) => {
    if (!r.ok) throw new Error(`the data dictionary did not load (${r.status})`);
    return r.json() as Promise<Dictionary>;
  });
  dictionary.catch(() => (dictionary = null));
  return dictionary;
}

const headers = new Map<string, Promise<DicomJson>>();
function header(base: string, r: ImageRef): Promise<DicomJson> {
  const key = `${r.study}/${r.series}/${r.sop}`;
  let p = headers.get(key);
  if (!p) {
    p = loadMetadata(base, r);
    p.catch(() => headers.delete(key));
    headers.set(key, p);
  }
  return p;
}

const LEVEL_STYLE: Record<Level, string> = {
  patient: 'border-l-sky-400 bg-sky-400/5',
  study: 'border-l-emerald-400 bg-emerald-400/5',
  series: 'border-l-amber-400 bg-amber-400/5',
  image: 'border-l-fuchsia-400 bg-fuchsia-400/5',
};
const LEVEL_DOT: Record<Level, string> = { patient: 'bg-sky-400', study: 'bg-emerald-400', series: 'bg-amber-400', image: 'bg-fuchsia-400' };

function sameRef(a: ImageRef | null | undefined, b: ImageRef | null | undefined) {
  return !!a && !!b && a.sop === b.sop && a.series === b.series && a.study === b.study;
}

export function TagInspector({ base, image, others, onClose }: { base: string; image: ImageRef | null; others: InspectorImage[]; onClose: () => void }) {
  const [dict, setDict] = useState<Dictionary>();
  const [ds, setDs] = useState<{ ref: ImageRef; data: DicomJson }>();
  const [error, setError] = useState<string>();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [compareKey, setCompareKey] = useState('');
  const [other, setOther] = useState<DicomJson>();
  const [onlyDiff, setOnlyDiff] = useState(true);

  useEffect(() => {
    loadDictionary().then(setDict, (e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    if (!image) return;
    let gone = false;
    header(base, image).then(
      (data) => !gone && setDs({ ref: image, data }),
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
    };
  }, [base, image]);

  const compareWith = others.find((o) => `${o.ref.series}/${o.ref.sop}` === compareKey);
  useEffect(() => {
    if (!compareWith) return setOther(undefined);
    let gone = false;
    header(base, compareWith.ref).then(
      (data) => !gone && setOther(data),
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
    };
  }, [base, compareWith]);

  const rows = useMemo(() => (ds && dict ? flatten(ds.data, dict) : []), [ds, dict]);
  const shown = useMemo(() => {
    const found = search(rows, query);
    if (query.trim()) return found; // a search opens the sequences its matches are in
    return found.filter((r) => r.parents.every((p) => open.has(p)));
  }, [rows, query, open]);
  const diffRows = useMemo(() => (ds && other && dict ? diff(ds.data, other, dict) : []), [ds, other, dict]);
  const diffShown = diffRows.filter((r) => (!onlyDiff || r.kind !== 'same') && r.tag !== '7FE00010');
  const nChanged = diffRows.filter((r) => r.kind !== 'same').length;

  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const loading = !dict || (image && !sameRef(ds?.ref, image));

  return (
    <aside className="flex w-[30rem] shrink-0 flex-col border-l border-slate-800 bg-slate-900 text-xs" aria-label="Tag inspector" data-testid="tag-inspector">
      <div className="flex items-center justify-between border-b border-slate-800 px-3 py-2">
        <h2 className="font-semibold uppercase tracking-wide text-slate-300">Tag inspector</h2>
        <button type="button" onClick={onClose} className="text-slate-400 hover:text-white" aria-label="Close the tag inspector"><X className="h-4 w-4" aria-hidden /></button>
      </div>
      <div className="space-y-2 border-b border-slate-800 px-3 py-2">
        <label className="flex items-center gap-2 rounded border border-slate-700 bg-slate-950 px-2">
          <Search className="h-3.5 w-3.5 text-slate-500" aria-hidden />
          <input
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Tag (0010,0010), keyword or value"
            className="h-7 flex-1 bg-transparent text-slate-100 outline-none placeholder:text-slate-600"
            aria-label="Search the header"
          />
        </label>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-[11px] text-slate-400">
          {(['patient', 'study', 'series', 'image'] as const).map((l) => (
            <span key={l} className="inline-flex items-center gap-1"><span className={`h-2 w-2 rounded-full ${LEVEL_DOT[l]}`} /> {l[0].toUpperCase() + l.slice(1)}</span>
          ))}
          <span className="inline-flex items-center gap-1"><span className="rounded bg-violet-900 px-1 text-[10px] text-violet-200">private</span></span>
        </div>
        <label className="flex items-center gap-2 text-slate-400">
          <GitCompare className="h-3.5 w-3.5" aria-hidden />
          <select value={compareKey} onChange={(e) => setCompareKey(e.target.value)} className="h-7 min-w-0 flex-1 rounded border border-slate-700 bg-slate-950 px-1 text-slate-200" aria-label="Compare with another image">
            <option value="">Compare with another image…</option>
            {others.filter((o) => !sameRef(o.ref, image)).map((o) => (
              <option key={`${o.ref.series}/${o.ref.sop}`} value={`${o.ref.series}/${o.ref.sop}`}>{o.label}</option>
            ))}
          </select>
        </label>
      </div>

      {error && <p className="m-3 rounded bg-red-950 p-2 text-red-200" role="alert">{error}</p>}
      {!image && <p className="m-3 text-slate-500">No image on screen yet.</p>}
      {loading && image && !error && <p className="m-3 flex items-center gap-2 text-slate-400"><Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Reading the header…</p>}

      {compareWith && other && ds ? (
        <div className="min-h-0 flex-1 overflow-auto" data-testid="tag-diff">
          <div className="flex items-center justify-between px-3 py-2 text-slate-400">
            <span>{nChanged} attribute{nChanged === 1 ? '' : 's'} differ</span>
            <label className="flex items-center gap-1"><input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only differences</label>
          </div>
          <table className="w-full table-fixed font-mono">
            <thead className="sticky top-0 bg-slate-900 text-left text-slate-500">
              <tr><th className="w-24 px-2 py-1 font-normal">Tag</th><th className="px-2 py-1 font-normal">This image</th><th className="px-2 py-1 font-normal">Other</th></tr>
            </thead>
            <tbody>
              {diffShown.map((r) => (
                <tr key={r.tag} className={`border-l-2 align-top ${r.level ? LEVEL_STYLE[r.level] : 'border-l-transparent'}`}>
                  <td className="px-2 py-1 text-slate-400"><div>{formatTag(r.tag)}</div><div className="truncate font-sans text-[10px] text-slate-500">{r.keyword}</div></td>
                  <td className={`break-all px-2 py-1 ${r.kind === 'same' ? 'text-slate-400' : r.kind === 'only-b' ? 'text-slate-600' : 'text-amber-200'}`}>{r.kind === 'only-b' ? '(absent)' : r.a || '(empty)'}</td>
                  <td className={`break-all px-2 py-1 ${r.kind === 'same' ? 'text-slate-400' : r.kind === 'only-a' ? 'text-slate-600' : 'text-amber-200'}`}>{r.kind === 'only-a' ? '(absent)' : r.b || '(empty)'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        !loading &&
        ds && (
          <div className="min-h-0 flex-1 overflow-auto">
            <table className="w-full table-fixed font-mono" data-testid="tag-table">
              <thead className="sticky top-0 z-10 bg-slate-900 text-left text-slate-500">
                <tr><th className="w-24 px-2 py-1 font-normal">Tag</th><th className="w-36 px-1 py-1 font-normal">Keyword</th><th className="w-8 px-1 py-1 font-normal">VR</th><th className="w-7 px-1 py-1 font-normal">VM</th><th className="px-1 py-1 font-normal">Value</th></tr>
              </thead>
              <tbody>
                {shown.map((r) => {
                  const expanded = query.trim() ? true : open.has(r.id);
                  const pad = { paddingLeft: `${0.5 + r.depth * 0.75}rem` };
                  if (r.item !== undefined) {
                    return (
                      <tr key={r.id} className="text-slate-500">
                        <td colSpan={5} className="py-0.5" style={pad}>
                          <button type="button" className="inline-flex items-center gap-1 hover:text-slate-200" onClick={() => toggle(r.id)} aria-expanded={expanded}>
                            {expanded ? <ChevronDown className="h-3 w-3" aria-hidden /> : <ChevronRight className="h-3 w-3" aria-hidden />} {r.keyword}
                          </button>
                        </td>
                      </tr>
                    );
                  }
                  return (
                    <tr key={r.id} className={`border-l-2 align-top ${r.level ? LEVEL_STYLE[r.level] : 'border-l-transparent'} hover:bg-slate-800/60`} data-tag={r.depth === 0 ? r.tag : undefined}>
                      <td className="whitespace-nowrap py-0.5 text-slate-400" style={pad}>
                        {r.hasChildren ? (
                          <button type="button" className="inline-flex items-center gap-0.5 hover:text-slate-100" onClick={() => toggle(r.id)} aria-expanded={expanded} aria-label={`${expanded ? 'Collapse' : 'Expand'} ${r.keyword}`}>
                            {expanded ? <ChevronDown className="h-3 w-3" aria-hidden /> : <ChevronRight className="h-3 w-3" aria-hidden />}
                            {formatTag(r.tag)}
                          </button>
                        ) : (
                          formatTag(r.tag)
                        )}
                      </td>
                      <td className="truncate px-1 py-0.5 font-sans text-slate-200" title={r.creator ? `${r.keyword} of ${r.creator}` : r.keyword}>
                        {r.private ? <span className="mr-1 rounded bg-violet-900 px-1 text-[10px] text-violet-200">private</span> : null}
                        {r.creator ? <span className="text-violet-200">{r.creator}</span> : r.keyword}
                      </td>
                      <td className="px-1 py-0.5 text-slate-400">{r.vr}</td>
                      <td className="px-1 py-0.5 text-slate-500">{r.vm}</td>
                      <td className="break-all px-1 py-0.5 text-slate-100" data-testid={r.depth === 0 ? `tag-value-${r.tag}` : undefined}>{r.value}</td>
                    </tr>
                  );
                })}
                {shown.length === 0 && (
                  <tr><td colSpan={5} className="px-3 py-3 text-slate-500">Nothing in this header matches “{query}”.</td></tr>
                )}
              </tbody>
            </table>
          </div>
        )
      )}
    </aside>
  );
}
