'use client';
// The lab's controls and results: one image (side by side, difference, numbers), the whole series (with a
// progress bar), and a sweep of codecs and settings plotted as error against ratio.
import { useRef, useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CompressResponse } from './_lib/lab';

interface CodecOption {
  id: string;
  label: string;
  lossy: boolean;
  control: 'ratio' | 'quality' | 'near' | null;
  defaults: { ratio?: number; quality?: number; near?: number };
}

const CONTROL_LABEL = { ratio: 'Target ratio (N:1)', quality: 'JPEG quality (1–100)', near: 'NEAR (max error per sample)' } as const;

/** The settings a sweep tries: every lossless codec once, the lossy ones at a few settings. */
const SWEEP: { codec: string; ratio?: number; near?: number; quality?: number }[] = [
  { codec: 'rle' },
  { codec: 'jpeg-lossless' },
  { codec: 'jpeg-ls' },
  { codec: 'j2k' },
  { codec: 'htj2k' },
  { codec: 'jpeg-ls-near', near: 1 },
  { codec: 'jpeg-ls-near', near: 3 },
  { codec: 'jpeg-ls-near', near: 8 },
  { codec: 'j2k-lossy', ratio: 5 },
  { codec: 'j2k-lossy', ratio: 10 },
  { codec: 'j2k-lossy', ratio: 20 },
  { codec: 'j2k-lossy', ratio: 40 },
  { codec: 'htj2k-lossy' },
];
const COLOURS: Record<string, string> = {
  rle: '#64748b',
  'jpeg-lossless': '#0ea5e9',
  'jpeg-ls': '#14b8a6',
  j2k: '#6366f1',
  htj2k: '#a855f7',
  'jpeg-ls-near': '#f59e0b',
  'j2k-lossy': '#ef4444',
  'htj2k-lossy': '#ec4899',
};

type Body = { instanceId: string; codec: string; ratio?: number; quality?: number; near?: number; images: boolean };

async function compress(body: Body): Promise<CompressResponse> {
  const res = await fetch('/sandbox/compression/compress', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as CompressResponse & { error?: string; details?: Record<string, string[]> };
  if (!res.ok) {
    const details = json.details ? ` (${Object.entries(json.details).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')})` : '';
    throw new Error(`${json.error ?? `HTTP ${res.status}`}${details}`);
  }
  return json;
}

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`);
const psnr = (p: number | null) => (p === null ? '∞ (identical)' : `${p.toFixed(1)} dB`);

function Progress({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  return (
    <div className="mt-2">
      <div className="flex justify-between text-xs text-slate-600"><span>{label}</span><span>{done} / {total}</span></div>
      <div className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className="h-full bg-brand-500 transition-all" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

export function CompressionLab({ image, series, codecs }: { image: { id: string; label: string; detail: string }; series: string[]; codecs: CodecOption[] }) {
  const [codec, setCodec] = useState('j2k-lossy');
  const spec = codecs.find((c) => c.id === codec)!;
  const [value, setValue] = useState<string>('');
  const [one, setOne] = useState<CompressResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'one' | 'series' | 'sweep' | null>(null);
  const [seriesRun, setSeriesRun] = useState<{ done: number; total: number; results: CompressResponse[]; failed: string[] } | null>(null);
  const [sweep, setSweep] = useState<{ done: number; total: number; points: (CompressResponse & { setting: string })[] } | null>(null);
  const cancel = useRef(false);

  const setting = (): Pick<Body, 'ratio' | 'quality' | 'near'> => {
    if (!spec.control || value.trim() === '') return {};
    return { [spec.control]: Number(value) };
  };

  async function runOne() {
    setBusy('one');
    setError(null);
    try {
      setOne(await compress({ instanceId: image.id, codec, ...setting(), images: true }));
    } catch (e) {
      setOne(null);
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  }

  async function runSeries() {
    setBusy('series');
    setError(null);
    cancel.current = false;
    const state = { done: 0, total: series.length, results: [] as CompressResponse[], failed: [] as string[] };
    setSeriesRun({ ...state });
    for (const id of series) {
      if (cancel.current) break;
      try {
        state.results.push(await compress({ instanceId: id, codec, ...setting(), images: false }));
      } catch (e) {
        state.failed.push((e as Error).message);
      }
      state.done++;
      setSeriesRun({ ...state, results: [...state.results], failed: [...state.failed] });
    }
    setBusy(null);
  }

  async function runSweep() {
    setBusy('sweep');
    setError(null);
    cancel.current = false;
    const points: (CompressResponse & { setting: string })[] = [];
    setSweep({ done: 0, total: SWEEP.length, points: [] });
    for (const [i, s] of SWEEP.entries()) {
      if (cancel.current) break;
      try {
        const r = await compress({ instanceId: image.id, images: false, ...s });
        points.push({ ...r, setting: s.ratio ? `${s.ratio}:1` : s.near ? `NEAR ${s.near}` : s.quality ? `Q${s.quality}` : '' });
      } catch {
        // a codec this image cannot take (e.g. 16-bit colour): left off the plot
      }
      setSweep({ done: i + 1, total: SWEEP.length, points: [...points] });
    }
    setBusy(null);
  }

  const totals = seriesRun && seriesRun.results.length
    ? seriesRun.results.reduce(
        (a, r) => ({ bytesIn: a.bytesIn + r.bytesIn, bytesOut: a.bytesOut + r.bytesOut, max: Math.max(a.max, r.maxAbsError), mean: a.mean + r.meanAbsError, ratio: a.ratio + r.ratio, ms: a.ms + r.ms }),
        { bytesIn: 0, bytesOut: 0, max: 0, mean: 0, ratio: 0, ms: 0 },
      )
    : null;
  const maxRatio = Math.max(2, ...(sweep?.points ?? []).map((p) => p.ratio));
  const ratioTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t, i, all) => t <= maxRatio || all[i - 1] < maxRatio);
  const byCodec = new Map<string, (CompressResponse & { setting: string })[]>();
  for (const p of sweep?.points ?? []) byCodec.set(p.codec, [...(byCodec.get(p.codec) ?? []), p]);

  return (
    <div className="space-y-5">
      <section className="card p-4" aria-label="Codec and settings">
        <p className="text-sm"><span className="font-medium">{image.label}</span> <span className="text-slate-500">· {image.detail}</span></p>
        <div className="mt-3 flex flex-wrap items-end gap-3">
          <label>
            <span className="label">Codec</span>
            <select className="field" value={codec} onChange={(e) => { setCodec(e.target.value); setValue(''); }} aria-label="Codec">
              <optgroup label="Lossless">{codecs.filter((c) => !c.lossy).map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}</optgroup>
              <optgroup label="Lossy">{codecs.filter((c) => c.lossy).map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}</optgroup>
            </select>
          </label>
          {spec.control && (
            <label>
              <span className="label">{CONTROL_LABEL[spec.control]}</span>
              <input className="field w-40" type="number" inputMode="decimal" value={value} placeholder={String(spec.defaults[spec.control] ?? '')} onChange={(e) => setValue(e.target.value)} aria-label={CONTROL_LABEL[spec.control]} />
            </label>
          )}
          <button className="btn-primary" onClick={runOne} disabled={busy !== null}>{busy === 'one' ? 'Compressing…' : 'Compress this image'}</button>
          <button className="btn-secondary" onClick={runSeries} disabled={busy !== null}>Whole series ({series.length})</button>
          <button className="btn-secondary" onClick={runSweep} disabled={busy !== null}>Compare codecs</button>
          {(busy === 'series' || busy === 'sweep') && <button className="btn-ghost" onClick={() => (cancel.current = true)}>Stop</button>}
        </div>
        {error && <p role="alert" className="mt-3 text-sm text-red-700">{error}</p>}
      </section>

      {one && one.images && (
        <section className="card p-4" aria-label="Result" data-testid="lab-result">
          <h2 className="text-sm font-semibold">{one.label}: {one.lossy ? 'lossy' : 'lossless'}</h2>
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            {([['Original', one.images.original], ['Compressed, decoded', one.images.compressed], [`Difference ×${one.images.differenceGain ? one.images.differenceGain.toFixed(1) : 0}`, one.images.difference]] as const).map(([t, src]) => (
              <figure key={t} className="overflow-hidden rounded-lg bg-black">
                {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL rendered on the server */}
                <img src={src} alt={t} className="mx-auto block aspect-square w-full object-contain" />
                <figcaption className="bg-slate-900 px-2 py-1 text-xs text-slate-200">{t}</figcaption>
              </figure>
            ))}
          </div>
          <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="lab-metrics">
            <div><dt className="text-xs uppercase text-slate-500">Ratio</dt><dd data-testid="metric-ratio" data-value={one.ratio}>{one.ratio.toFixed(2)}:1</dd></div>
            <div><dt className="text-xs uppercase text-slate-500">File size</dt><dd>{bytes(one.bytesIn)} → {bytes(one.bytesOut)}</dd></div>
            <div><dt className="text-xs uppercase text-slate-500">Max abs error</dt><dd data-testid="metric-max" data-value={one.maxAbsError}>{one.maxAbsError}</dd></div>
            <div><dt className="text-xs uppercase text-slate-500">Mean abs error</dt><dd>{one.meanAbsError.toFixed(3)}</dd></div>
            <div><dt className="text-xs uppercase text-slate-500">PSNR</dt><dd data-testid="metric-psnr">{psnr(one.psnr)}</dd></div>
            <div><dt className="text-xs uppercase text-slate-500">Time</dt><dd>{one.ms.toFixed(0)} ms</dd></div>
            <div className="col-span-2"><dt className="text-xs uppercase text-slate-500">Identity</dt><dd>{one.newSopInstanceUid ? 'new SOP Instance UID, Lossy Image Compression 01' : 'same SOP Instance UID (pixels unchanged)'}</dd></div>
          </dl>
        </section>
      )}

      {seriesRun && (
        <section className="card p-4" aria-label="Whole series" data-testid="lab-series-run">
          <h2 className="text-sm font-semibold">Whole series with {spec.label}</h2>
          <Progress done={seriesRun.done} total={seriesRun.total} label="Images compressed" />
          {totals && (
            <p className="mt-2 text-sm">
              {bytes(totals.bytesIn)} → {bytes(totals.bytesOut)} on disk (saving {(100 - (totals.bytesOut / totals.bytesIn) * 100).toFixed(0)}%) · mean pixel ratio {(totals.ratio / seriesRun.results.length).toFixed(2)}:1 · max
              error {totals.max} · mean error {(totals.mean / seriesRun.results.length).toFixed(3)} · {(totals.ms / seriesRun.results.length).toFixed(0)} ms per image
            </p>
          )}
          {seriesRun.failed.length > 0 && <p className="mt-1 text-sm text-red-700">{seriesRun.failed.length} image(s) failed: {seriesRun.failed[0]}</p>}
        </section>
      )}

      {sweep && (
        <section className="card p-4" aria-label="Error against ratio" data-testid="lab-sweep">
          <h2 className="text-sm font-semibold">Error against ratio, this image</h2>
          <Progress done={sweep.done} total={sweep.total} label="Settings tried" />
          <div className="mt-3 h-72 w-full">
            <ResponsiveContainer width="100%" height="100%">
              <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" dataKey="ratio" name="ratio" scale="log" domain={[1, ratioTicks.at(-1)!]} ticks={ratioTicks} tickFormatter={(v: number) => `${v}:1`} allowDataOverflow label={{ value: 'compression ratio (log scale)', position: 'insideBottom', offset: -12 }} />
                <YAxis type="number" dataKey="meanAbsError" name="mean abs error" tickFormatter={(v: number) => String(Number(v.toFixed(2)))} label={{ value: 'mean abs error', angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
                <Legend verticalAlign="top" wrapperStyle={{ paddingBottom: 8, fontSize: 12 }} />
                {[...byCodec].map(([id, pts]) => <Scatter key={id} name={id} data={pts} fill={COLOURS[id] ?? '#000'} />)}
              </ScatterChart>
            </ResponsiveContainer>
          </div>
          <table className="mt-3 w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500"><tr><th>Codec</th><th>Setting</th><th className="text-right">Ratio</th><th className="text-right">Max err</th><th className="text-right">Mean err</th><th className="text-right">PSNR</th></tr></thead>
            <tbody>
              {sweep.points.map((p, i) => (
                <tr key={i} className="border-t border-slate-100"><td>{p.label}</td><td>{p.setting}</td><td className="text-right">{p.ratio.toFixed(2)}</td><td className="text-right">{p.maxAbsError}</td><td className="text-right">{p.meanAbsError.toFixed(3)}</td><td className="text-right">{psnr(p.psnr)}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
