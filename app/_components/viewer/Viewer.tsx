'use client';
// The study viewer: Cornerstone3D stack viewports on the archive's DICOMweb. Series thumbnails on the left, one
// stack viewport per series in a 1×1, 1×2 or 2×2 layout (the other cells for a prior study of the same patient),
// tools on top, overlays on the image, measurements and the tag inspector on the right.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import {
  Enums as CoreEnums,
  RenderingEngine,
  eventTarget,
  imageLoader,
  metaData,
  utilities as coreUtilities,
  type Types,
} from '@cornerstonejs/core';
import {
  AlertTriangle,
  ChevronLeft,
  Circle,
  Contrast,
  Columns2,
  FileCode2,
  Grid2x2,
  Hand,
  Keyboard,
  Link2,
  Loader2,
  Pause,
  Play,
  RotateCcw,
  Ruler,
  Square,
  SunMedium,
  Trash2,
  Triangle,
  X,
  ZoomIn,
} from 'lucide-react';
import { initCornerstone, loadTools, seedInstance } from './cornerstone';
import type { Toolkit } from './tools';
import { findPriors, imageIdsOf, loadSeries, openStudy, type ImageRef, type OpenedStudy, type Prefetched, type SeriesInfo, type StudyInfo } from './archive';
import { TagInspector, type InspectorImage } from './TagInspector';
import { linkedIndex, slicePosition, type Anchor } from './sync';
import { CT_PRESETS, formatDicomDateShort, formatName, lossyMethodName, type Preset } from './display';

type Layout = '1x1' | '1x2' | '2x2';
const CELLS: Record<Layout, number> = { '1x1': 1, '1x2': 2, '2x2': 4 };
const CELLS_MAX = 4;
type ToolName = 'WindowLevel' | 'Pan' | 'Zoom' | 'Length' | 'Angle' | 'EllipticalROI';
const TOOL_NAMES: Record<ToolName, string> = {
  // the tools' own names (static toolName of WindowLevelTool, PanTool, …: tools.ts loads them later)
  WindowLevel: 'WindowLevel',
  Pan: 'Pan',
  Zoom: 'Zoom',
  Length: 'Length',
  Angle: 'Angle',
  EllipticalROI: 'EllipticalROI',
};

interface CellState {
  index: number;
  total: number;
  ww?: number;
  wc?: number;
  invert: boolean;
  zoom: number;
  instanceNumber?: number;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  position?: string;
  lossy?: { ratio?: string; method?: string };
  imageWindows: Preset[];
  error?: string;
}

interface Measurement {
  uid: string;
  tool: string;
  text: string;
  cell?: number;
}

interface StudyEntry {
  study: StudyInfo;
  series: SeriesInfo[] | null;
  error?: string;
}

function numbers(v: unknown): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : String(v).split('\\');
  return list.map((x) => Number(x)).filter((x) => Number.isFinite(x));
}

/** An image's slice position (sync.ts), from the metadata of an image already loaded; undefined before it is. */
function positionOf(imageId: string | undefined): number | undefined {
  if (!imageId) return undefined;
  const plane = metaData.get('imagePlaneModule', imageId) as { imagePositionPatient?: unknown; imageOrientationPatient?: unknown; rowCosines?: unknown; columnCosines?: unknown } | undefined;
  if (!plane) return undefined;
  const ipp = numbers(plane.imagePositionPatient);
  const iop = numbers(plane.imageOrientationPatient);
  const orientation = iop.length >= 6 ? iop : [...numbers(plane.rowCosines), ...numbers(plane.columnCosines)];
  return slicePosition({ imagePositionPatient: ipp, imageOrientationPatient: orientation });
}

/** The lossy banner's text parts; metadata providers give the ratio as a number or a DS string, possibly multi-valued. */
function lossyOf(ratio: unknown, method: unknown, transferSyntaxUid: string | undefined): { ratio?: string; method?: string } {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const r = Number(String(first(ratio) ?? '').split('\\')[0]);
  const m = String(first(method) ?? '').split('\\')[0].trim();
  return { ratio: Number.isFinite(r) && r > 0 ? String(Number(r.toFixed(1))) : undefined, method: m || lossyMethodName(transferSyntaxUid) };
}

/** stacks.current's value for a viewport showing the prefetched first image alone, before its series is listed */
const EARLY = '(first image)';

const EMPTY_CELL: CellState = { index: 0, total: 0, invert: false, zoom: 1, imageWindows: [] };

declare global {
  interface Window {
    /** ms from navigation start to the first rendered image (for e2e/bench/viewer.bench.ts) */
    __viewerFirstImageMs?: number;
  }
}

let mounts = 0;
if (typeof performance !== 'undefined') performance.mark('viewer:code');

export function Viewer({ studyUid, ae = 'PACS', opened, prefetched }: { studyUid: string; ae?: string; opened?: Promise<OpenedStudy>; prefetched?: Prefetched }) {
  const base = `/dicomweb/${ae}`;
  const ids = useMemo(() => {
    mounts += 1;
    return { engine: `viewer-engine-${mounts}`, tools: `viewer-tools-${mounts}` };
  }, []);
  const engineRef = useRef<RenderingEngine | null>(null);
  const elements = useRef<(HTMLDivElement | null)[]>([null, null, null, null]);
  const stacks = useRef<(string | null)[]>([null, null, null, null]);
  const refs = useRef(new Map<string, ImageRef>());
  const seriesIds = useRef(new Map<string, string[]>());
  const prefetching = useRef(new Set<string>());
  const seeded = useRef(false);
  const seed = useCallback((p: Prefetched) => {
    if (seeded.current) return;
    seeded.current = true;
    seedInstance(p);
    performance.mark('viewer:prefetched');
  }, []);

  const [ready, setReady] = useState(false);
  if (!ready && typeof performance !== 'undefined' && !performance.getEntriesByName('viewer:render').length) performance.mark('viewer:render');
  const [fatal, setFatal] = useState<string>();
  const [studies, setStudies] = useState<StudyEntry[]>([]);
  const [layout, setLayout] = useState<Layout>('1x1');
  const [assigned, setAssigned] = useState<(string | null)[]>([null, null, null, null]);
  const [active, setActive] = useState(0);
  const [tool, setTool] = useState<ToolName>('WindowLevel');
  // the interaction tools arrive after the first image (cornerstone.ts loadTools)
  const tk = useRef<Toolkit | null>(null);
  const [toolsReady, setToolsReady] = useState(false);
  const [firstShown, setFirstShown] = useState(false);
  const chosen = useRef<ToolName>('WindowLevel');
  const [cells, setCells] = useState<CellState[]>([EMPTY_CELL, EMPTY_CELL, EMPTY_CELL, EMPTY_CELL]);
  const [loaded, setLoaded] = useState<Record<string, number>>({});
  const [cine, setCine] = useState<boolean[]>([false, false, false, false]);
  const [fps, setFps] = useState(15);
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const [inspector, setInspector] = useState(false);
  const [help, setHelp] = useState(false);
  const [current, setCurrent] = useState<(ImageRef | null)[]>([null, null, null, null]);
  // linked scrolling (sync.ts): where each viewport was when linked, and the index each was last moved to by the link
  const [linked, setLinked] = useState(false);
  const linkedRef = useRef(false);
  const anchors = useRef<(Anchor | null)[]>([null, null, null, null]);
  const linkMoved = useRef<(number | null)[]>([null, null, null, null]);

  const allSeries = useMemo(() => studies.flatMap((s) => s.series ?? []), [studies]);
  const seriesByUid = useMemo(() => new Map(allSeries.map((s) => [s.uid, s])), [allSeries]);
  const studyByUid = useMemo(() => new Map(studies.map((s) => [s.study.uid, s.study])), [studies]);
  const cellCount = CELLS[layout];

  const viewportOf = useCallback(
    (cell: number) => engineRef.current?.getViewport(`vp-${cell}`) as Types.IStackViewport | undefined,
    [],
  );

  // ---------------------------------------------------------------------------------------------- loading
  useEffect(() => {
    let gone = false;
    (async () => {
      try {
        // the loader may have asked already, while this code was downloading
        const { study, series } = await (opened ?? openStudy(base, studyUid, ae));
        performance.mark('viewer:data');
        if (gone) return;
        setStudies([{ study, series }]);
        setAssigned([series[0]?.uid ?? null, series[1]?.uid ?? null, series[2]?.uid ?? null, series[3]?.uid ?? null]);
        const priors = await findPriors(base, study);
        if (gone) return;
        setStudies((prev) => [...prev, ...priors.map((p) => ({ study: p, series: null }))]);
      } catch (e) {
        if (!gone) setFatal((e as Error).message);
      }
    })();
    return () => {
      gone = true;
    };
  }, [base, ae, studyUid, opened]);

  const openPrior = useCallback(
    async (uid: string) => {
      const entry = studies.find((s) => s.study.uid === uid);
      if (!entry || entry.series) return entry?.series ?? null;
      try {
        const series = await loadSeries(base, uid);
        setStudies((prev) => prev.map((s) => (s.study.uid === uid ? { ...s, series } : s)));
        return series;
      } catch (e) {
        setStudies((prev) => prev.map((s) => (s.study.uid === uid ? { ...s, error: (e as Error).message } : s)));
        return null;
      }
    },
    [base, studies],
  );

  // ---------------------------------------------------------------------------------------------- engine
  useEffect(() => {
    let gone = false;
    performance.mark('viewer:effects');
    initCornerstone()
      .then(() => {
        if (gone) return;
        performance.mark('viewer:cornerstone');
        engineRef.current = new RenderingEngine(ids.engine);
        setReady(true);
      })
      .catch((e: Error) => setFatal(`The viewer could not start: ${e.message}`));
    return () => {
      gone = true;
      for (let c = 0; c < 4; c++) {
        const el = elements.current[c];
        if (el) tk.current?.stopClip(el);
      }
      tk.current?.destroyGroup(ids.tools);
      setToolsReady(false);
      engineRef.current?.destroy();
      engineRef.current = null;
      stacks.current = [null, null, null, null];
    };
  }, [ids]);

  // the tools once the first image is drawn (or after 2 s, when there is none to draw): their group takes every
  // viewport already on screen, then the tool the user chose meanwhile
  useEffect(() => {
    if (!ready) return;
    let gone = false;
    const start = () => {
      loadTools()
        .then((kit) => {
          const engine = engineRef.current;
          if (gone || !engine) return;
          tk.current = kit;
          const viewports = [0, 1, 2, 3]
            .filter((c) => engine.getViewport(`vp-${c}`) && elements.current[c])
            .map((c) => ({ viewportId: `vp-${c}`, engineId: ids.engine, element: elements.current[c]! }));
          kit.createGroup(ids.tools, viewports);
          if (chosen.current !== 'WindowLevel') kit.choose(ids.tools, TOOL_NAMES[chosen.current]);
          performance.mark('viewer:tools');
          setToolsReady(true);
        })
        .catch((e: Error) => setFatal(`The viewer's tools could not load: ${e.message}`));
    };
    if (firstShown) {
      start();
      return () => {
        gone = true;
      };
    }
    const t = setTimeout(start, 2000);
    return () => {
      gone = true;
      clearTimeout(t);
    };
  }, [ready, firstShown, ids]);

  const refreshCell = useCallback(
    (cell: number) => {
      const vp = viewportOf(cell);
      if (!vp) return;
      const imageId = vp.getCurrentImageId();
      const ids = vp.getImageIds();
      const props = vp.getProperties();
      const wl = props.voiRange ? coreUtilities.windowLevel.toWindowLevel(props.voiRange.lower, props.voiRange.upper) : undefined;
      const series = imageId ? (metaData.get('generalSeriesModule', imageId) as { seriesNumber?: number; seriesDescription?: string; modality?: string } | undefined) : undefined;
      const image = imageId ? (metaData.get('generalImageModule', imageId) as { instanceNumber?: number; lossyImageCompression?: string; lossyImageCompressionRatio?: number; lossyImageCompressionMethod?: string } | undefined) : undefined;
      const plane = imageId ? (metaData.get('imagePlaneModule', imageId) as { imagePositionPatient?: number[]; sliceLocation?: number } | undefined) : undefined;
      const voi = imageId ? (metaData.get('voiLutModule', imageId) as { windowCenter?: number[]; windowWidth?: number[] } | undefined) : undefined;
      const ts = imageId ? (metaData.get('transferSyntax', imageId) as { transferSyntaxUID?: string } | undefined) : undefined;
      // metadata providers give numbers, DS strings or lists: read them all as lists of numbers
      const pos = numbers(plane?.sliceLocation)[0] ?? numbers(plane?.imagePositionPatient)[2];
      const zoom = vp.getZoom?.() ?? 1;
      const widths = numbers(voi?.windowWidth);
      const imageWindows: Preset[] = numbers(voi?.windowCenter)
        .map((wc, k) => ({ name: `Image ${k + 1}`, ww: widths[k] ?? 0, wc }))
        .filter((p) => p.ww > 0);
      const state: CellState = {
        index: vp.getCurrentImageIdIndex(),
        total: ids.length,
        ww: wl?.windowWidth,
        wc: wl?.windowCenter,
        invert: Boolean(props.invert),
        zoom,
        instanceNumber: numbers(image?.instanceNumber)[0],
        seriesNumber: numbers(series?.seriesNumber)[0],
        seriesDescription: series?.seriesDescription ? String(series.seriesDescription) : undefined,
        modality: series?.modality ? String(series.modality) : undefined,
        position: pos === undefined || Number.isNaN(pos) ? undefined : `${pos.toFixed(1)} mm`,
        // Lossy Image Compression (0028,2110) "01": the image has been lossy compressed at some point (PS3.3 C.7.6.1.1.5)
        lossy: String(image?.lossyImageCompression ?? '').trim() === '01' ? lossyOf(image?.lossyImageCompressionRatio, image?.lossyImageCompressionMethod, ts?.transferSyntaxUID) : undefined,
        imageWindows,
      };
      setCells((prev) => {
        const next = [...prev];
        next[cell] = { ...state, error: prev[cell].error && prev[cell].index === state.index ? prev[cell].error : undefined };
        return next;
      });
      if (imageId) {
        const r = refs.current.get(imageId) ?? null;
        setCurrent((prev) => (prev[cell] === r ? prev : prev.map((x, k) => (k === cell ? r : x))));
      }
    },
    [viewportOf],
  );

  const prefetch = useCallback((seriesUid: string, imageIds: string[], from: number) => {
    if (prefetching.current.has(seriesUid)) return;
    prefetching.current.add(seriesUid);
    // nearest first from where the user is, a few at a time (the web workers decode in parallel)
    const order = imageIds.map((id, k) => ({ id, d: Math.abs(k - from) })).sort((a, b) => a.d - b.d).map((x) => x.id);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < order.length) {
        const id = order[next++];
        try {
          await imageLoader.loadAndCacheImage(id);
        } catch {
          /* shown when the image is displayed */
        }
        done += 1;
        if (done % 5 === 0 || done === order.length) setLoaded((prev) => ({ ...prev, [seriesUid]: done }));
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
  }, []);

  // put each cell's series on its viewport (and enable / disable viewports as the layout changes)
  useEffect(() => {
    const engine = engineRef.current;
    if (!ready || !engine) return;
    const kit = tk.current;
    for (let c = 0; c < 4; c++) {
      const id = `vp-${c}`;
      const el = elements.current[c];
      const want = c < cellCount ? assigned[c] : null;
      const has = engine.getViewport(id);
      if (c >= cellCount || !el) {
        if (has) {
          if (el) kit?.stopClip(el);
          kit?.removeViewport(ids.tools, id, ids.engine);
          engine.disableElement(id);
        }
        stacks.current[c] = null;
        continue;
      }
      if (!has) {
        engine.enableElement({ viewportId: id, type: CoreEnums.ViewportType.STACK, element: el, defaultOptions: { background: [0, 0, 0] } });
        kit?.addViewport(ids.tools, id, ids.engine);
        stacks.current[c] = null;
      }
      if (want && stacks.current[c] !== want) {
        const s = seriesByUid.get(want);
        if (!s) continue;
        let list = seriesIds.current.get(s.uid);
        if (!list) {
          const r = imageIdsOf(base, s);
          list = r.ids;
          seriesIds.current.set(s.uid, list);
          r.refs.forEach((v, k) => refs.current.set(k, v));
        }
        stacks.current[c] = want;
        const vp = engine.getViewport(id) as Types.IStackViewport;
        const imageIds = list;
        // the first image's bytes, when the loader fetched them ahead (the server named the same image)
        if (prefetched && imageIds[0] === prefetched.imageId) seed(prefetched);
        performance.mark('viewer:setStack');
        vp.setStack(imageIds, 0)
          .then(() => {
            vp.render();
            refreshCell(c);
            prefetch(s.uid, imageIds, 0);
          })
          .catch((e: unknown) => {
            const msg = e instanceof Error ? e.message : (e as { error?: { message?: string } })?.error?.message ?? 'could not be decoded';
            setCells((prev) => prev.map((x, k) => (k === c ? { ...x, error: `This image could not be shown: ${msg}` } : x)));
          });
      }
    }
    // a new layout refits every image to its cell (keepCamera false); a window resize keeps the user's zoom and pan
    engine.resize(true, false);
  }, [ready, cellCount, assigned, seriesByUid, base, ids, refreshCell, prefetch, prefetched, seed]);

  // ---------------------------------------------------------------------------------------------- linked scrolling
  const anchorOf = useCallback(
    (cell: number): Anchor | null => {
      const vp = viewportOf(cell);
      if (!vp || !vp.getImageIds().length) return null;
      return { index: vp.getCurrentImageIdIndex(), position: positionOf(vp.getCurrentImageId()) };
    },
    [viewportOf],
  );

  /** viewport `source` showed a new image: with the link on, move the others by the same distance (sync.ts) */
  const followLink = useCallback(
    (source: number) => {
      if (!linkedRef.current) return;
      const now = anchorOf(source);
      if (!now) return;
      if (linkMoved.current[source] === now.index) {
        linkMoved.current[source] = null; // our own move arriving: not the user's scroll
        return;
      }
      const from = anchors.current[source];
      if (!from) return;
      for (let t = 0; t < CELLS_MAX; t++) {
        const to = anchors.current[t];
        const vp = t === source ? undefined : viewportOf(t);
        if (!to || !vp) continue;
        const ids = vp.getImageIds();
        const target = linkedIndex(from, now, to, ids.map(positionOf));
        if (target === vp.getCurrentImageIdIndex()) continue;
        linkMoved.current[t] = target;
        void vp.setImageIdIndex(target);
      }
    },
    [anchorOf, viewportOf],
  );

  const toggleLink = useCallback(() => {
    const on = !linkedRef.current && cellCount > 1;
    linkedRef.current = on;
    anchors.current = [0, 1, 2, 3].map((c) => (on && c < cellCount ? anchorOf(c) : null));
    linkMoved.current = [null, null, null, null];
    setLinked(on);
  }, [anchorOf, cellCount]);

  // a new layout or a different series in a cell ends the link: its anchors no longer describe what is shown
  useEffect(() => {
    linkedRef.current = false;
    anchors.current = [null, null, null, null];
    setLinked(false);
  }, [cellCount, assigned]);

  // overlays follow every render; the first rendered image is timed for the benchmark
  useEffect(() => {
    if (!ready) return;
    const handlers: [HTMLDivElement, EventListener][] = [];
    let pending = new Set<number>();
    let frame = 0;
    for (let c = 0; c < cellCount; c++) {
      const el = elements.current[c];
      if (!el) continue;
      const onRender: EventListener = () => {
        if (window.__viewerFirstImageMs === undefined && viewportOf(c)?.getCurrentImageId()) {
          window.__viewerFirstImageMs = performance.now();
          document.documentElement.dataset.viewerFirstImageMs = String(Math.round(window.__viewerFirstImageMs));
        }
        setFirstShown(true);
        pending.add(c);
        if (!frame) {
          frame = requestAnimationFrame(() => {
            frame = 0;
            const cs = pending;
            pending = new Set();
            cs.forEach((k) => refreshCell(k));
          });
        }
      };
      const onError: EventListener = (evt) => {
        const detail = (evt as CustomEvent<{ error?: { message?: string } }>).detail;
        setCells((prev) => prev.map((x, k) => (k === c ? { ...x, error: `This image could not be shown: ${detail?.error?.message ?? 'decoding failed'}` } : x)));
      };
      el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, onRender);
      el.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onRender);
      const onNewImage: EventListener = () => followLink(c);
      el.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onNewImage);
      handlers.push([el, onNewImage]);
      el.addEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, onError);
      handlers.push([el, onRender], [el, onError]);
    }
    return () => {
      if (frame) cancelAnimationFrame(frame);
      for (const [el, h] of handlers) {
        el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, h);
        el.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, h);
        el.removeEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, h);
      }
    };
  }, [ready, cellCount, refreshCell, viewportOf, followLink]);

  // the image the server named (prefetched), on its own, when the engine is ready before the study's listing has
  // arrived (QIDO-RS): the series' full stack replaces it as soon as it is known (the effect above that assigns the
  // cells' series), starting on the same image, already decoded. Declared after the render listeners: they time it.
  useEffect(() => {
    const engine = engineRef.current;
    if (!ready || !engine || !prefetched || stacks.current[0] !== null) return;
    const vp = engine.getViewport('vp-0') as Types.IStackViewport | undefined;
    if (!vp) return;
    stacks.current[0] = EARLY;
    seed(prefetched);
    performance.mark('viewer:setStack');
    vp.setStack([prefetched.imageId], 0)
      .then(() => {
        if (stacks.current[0] !== EARLY) return;
        vp.render();
        refreshCell(0);
      })
      .catch(() => undefined); // the series' own stack shows any error
  }, [ready, prefetched, seed, refreshCell]);

  // keep the canvases the size of their cells
  useEffect(() => {
    if (!ready) return;
    const ro = new ResizeObserver(() => engineRef.current?.resize(true, true));
    elements.current.forEach((el) => el && ro.observe(el));
    return () => ro.disconnect();
  }, [ready, cellCount]);

  // ---------------------------------------------------------------------------------------------- measurements
  useEffect(() => {
    const kit = tk.current;
    if (!toolsReady || !kit) return;
    const update = () => {
      const list: Measurement[] = [];
      for (const { uid, tool: name, imageId, stats } of kit.annotations()) {
        const num = (v: unknown, d = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '–');
        let text = '';
        if (name === TOOL_NAMES.Length) text = `Length ${num(stats.length)} ${String(stats.unit ?? 'mm')}`;
        else if (name === TOOL_NAMES.Angle) text = `Angle ${num(stats.angle)}°`;
        else if (name === TOOL_NAMES.EllipticalROI) {
          const unit = String(stats.modalityUnit ?? '');
          text = `Ellipse mean ${num(stats.mean)} ${unit}, SD ${num(stats.stdDev)} ${unit}, area ${num(stats.area)} ${String(stats.areaUnit ?? '')}`;
        } else continue;
        const cell = [0, 1, 2, 3].find((c) => viewportOf(c)?.getImageIds().includes(imageId));
        list.push({ uid, tool: name, text: text.replace(/\s+/g, ' ').trim(), cell });
      }
      setMeasurements(list);
    };
    const evs = kit.annotationEvents;
    evs.forEach((e) => eventTarget.addEventListener(e, update));
    return () => evs.forEach((e) => eventTarget.removeEventListener(e, update));
  }, [toolsReady, viewportOf]);

  // ---------------------------------------------------------------------------------------------- actions
  const chooseTool = useCallback(
    (t: ToolName) => {
      // W/L, pan and zoom keep their other buttons; the annotation tools stay passive (editable)
      chosen.current = t;
      tk.current?.choose(ids.tools, TOOL_NAMES[t]);
      setTool(t);
    },
    [ids],
  );

  const scroll = useCallback(
    (delta: number, cell = active) => {
      const vp = viewportOf(cell);
      if (!vp) return;
      const n = vp.getImageIds().length;
      const i = Math.max(0, Math.min(n - 1, vp.getCurrentImageIdIndex() + delta));
      void vp.setImageIdIndex(i);
    },
    [active, viewportOf],
  );

  const jump = useCallback(
    (i: number, cell = active) => {
      const vp = viewportOf(cell);
      if (vp) void vp.setImageIdIndex(Math.max(0, Math.min(vp.getImageIds().length - 1, i)));
    },
    [active, viewportOf],
  );

  const applyWindow = useCallback(
    (p: Preset, cell = active) => {
      const vp = viewportOf(cell);
      if (!vp) return;
      vp.setProperties({ voiRange: coreUtilities.windowLevel.toLowHighRange(p.ww, p.wc) });
      vp.render();
    },
    [active, viewportOf],
  );

  const toggleInvert = useCallback(() => {
    const vp = viewportOf(active);
    if (!vp) return;
    vp.setProperties({ invert: !vp.getProperties().invert });
    vp.render();
  }, [active, viewportOf]);

  const reset = useCallback(() => {
    const vp = viewportOf(active);
    if (!vp) return;
    vp.resetCamera();
    vp.resetProperties();
    vp.render();
  }, [active, viewportOf]);

  const toggleCine = useCallback(
    (cell = active) => {
      const el = elements.current[cell];
      if (!el || !viewportOf(cell)) return;
      setCine((prev) => {
        const next = [...prev];
        const kit = tk.current;
        if (!kit) return prev; // the tools are still loading
        if (prev[cell]) kit.stopClip(el);
        else kit.playClip(el, fps);
        next[cell] = !prev[cell];
        return next;
      });
    },
    [active, fps, viewportOf],
  );

  const showSeries = useCallback((uid: string, cell = active) => {
    setAssigned((prev) => prev.map((x, k) => (k === cell ? uid : x)));
  }, [active]);

  const changeLayout = useCallback(
    async (l: Layout) => {
      setLayout(l);
      if (l === '1x1') return;
      // the second cell compares with the most recent prior of the same patient (an older study first), when there is one
      const cur = studies[0]?.series ?? [];
      const others = studies.slice(1);
      const prior = others.find((s) => s.study.date < (studies[0]?.study.date ?? '')) ?? others[0];
      const priorSeries = prior ? await openPrior(prior.study.uid) : null;
      setAssigned((prev) => {
        const next = [...prev];
        const pool = [...(priorSeries?.slice(0, 1) ?? []), ...cur, ...(priorSeries?.slice(1) ?? [])];
        const used = new Set([next[0]]);
        for (let c = 1; c < CELLS[l]; c++) {
          const s = pool.find((p) => !used.has(p.uid));
          next[c] = s?.uid ?? next[0];
          if (s) used.add(s.uid);
        }
        return next;
      });
    },
    [studies, openPrior],
  );

  const clearMeasurements = useCallback(() => {
    tk.current?.removeAllAnnotations();
    setMeasurements([]);
    engineRef.current?.render();
  }, []);

  const removeMeasurement = useCallback((uid: string) => {
    tk.current?.removeAnnotation(uid);
    setMeasurements((m) => m.filter((x) => x.uid !== uid));
    engineRef.current?.render();
  }, []);

  // ---------------------------------------------------------------------------------------------- keyboard
  const modality = cells[active]?.modality;
  const presets: readonly Preset[] = useMemo(() => (modality === 'CT' ? CT_PRESETS : []), [modality]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === 'Escape') {
        setHelp(false);
        return;
      }
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key;
      const map: Record<string, () => void> = {
        ArrowUp: () => scroll(-1),
        ArrowLeft: () => scroll(-1),
        ArrowDown: () => scroll(1),
        ArrowRight: () => scroll(1),
        PageUp: () => scroll(-10),
        PageDown: () => scroll(10),
        Home: () => jump(0),
        End: () => jump(Number.MAX_SAFE_INTEGER),
        ' ': () => toggleCine(),
        w: () => chooseTool('WindowLevel'),
        p: () => chooseTool('Pan'),
        z: () => chooseTool('Zoom'),
        l: () => chooseTool('Length'),
        a: () => chooseTool('Angle'),
        e: () => chooseTool('EllipticalROI'),
        i: toggleInvert,
        r: reset,
        t: () => setInspector((v) => !v),
        s: toggleLink,
        '?': () => setHelp((v) => !v),
        h: () => setHelp((v) => !v),
      };
      const num = Number(k);
      if (Number.isInteger(num) && num >= 1 && num <= 9) {
        const all = [...presets, ...(cells[active]?.imageWindows ?? [])];
        if (all[num - 1]) {
          e.preventDefault();
          applyWindow(all[num - 1]);
        }
        return;
      }
      const f = map[k] ?? map[k.toLowerCase()];
      if (f) {
        e.preventDefault();
        f();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [scroll, jump, toggleCine, chooseTool, toggleInvert, reset, applyWindow, presets, cells, active, toggleLink]);

  // ---------------------------------------------------------------------------------------------- view
  const main = studies[0]?.study;
  const inspectorImages: InspectorImage[] = useMemo(() => {
    const out: InspectorImage[] = [];
    for (const s of allSeries) {
      const st = studyByUid.get(s.studyUid);
      const label = `${formatDicomDateShort(st?.date ?? '')} · S${s.number} ${s.modality} ${s.description}`.trim();
      out.push({ ref: { study: s.studyUid, series: s.uid, sop: s.instances[0].sop }, label: `${label} · first image` });
      if (s.instances.length > 1) out.push({ ref: { study: s.studyUid, series: s.uid, sop: s.instances[s.instances.length - 1].sop }, label: `${label} · last image` });
    }
    return out;
  }, [allSeries, studyByUid]);

  if (fatal) {
    return (
      <div className="fixed inset-x-0 bottom-0 top-14 z-30 grid place-items-center bg-slate-950 p-6 text-slate-200" data-testid="viewer-error">
        <div className="max-w-lg rounded-lg border border-red-900 bg-red-950/50 p-5">
          <p className="flex items-center gap-2 font-semibold text-red-200"><AlertTriangle className="h-5 w-5" aria-hidden /> The viewer cannot open this study</p>
          <p className="mt-2 text-sm text-slate-300">{fatal}</p>
          <Link href="/sandbox/viewer" className="mt-4 inline-flex items-center gap-1 text-sm text-brand-100 hover:underline"><ChevronLeft className="h-4 w-4" aria-hidden /> Pick another study</Link>
        </div>
      </div>
    );
  }

  const cls = (on: boolean) =>
    `inline-flex h-8 items-center gap-1.5 rounded px-2 text-xs font-medium transition-colors ${on ? 'bg-brand-600 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`;

  return (
    <div className="fixed inset-x-0 bottom-0 top-14 z-30 flex flex-col bg-slate-950 text-slate-200" data-testid="viewer" data-ready={ready && toolsReady ? 'true' : 'false'}>
      {/* toolbar */}
      <div className="flex flex-wrap items-center gap-1 border-b border-slate-800 bg-slate-900 px-2 py-1" role="toolbar" aria-label="Viewer tools">
        <Link href="/sandbox/viewer" className="mr-1 inline-flex h-8 items-center gap-1 rounded px-2 text-xs text-slate-400 hover:bg-slate-800 hover:text-white" title="Studies"><ChevronLeft className="h-4 w-4" aria-hidden /> Studies</Link>
        <div className="mx-1 h-6 w-px bg-slate-700" />
        {([
          ['WindowLevel', SunMedium, 'W/L', 'W'],
          ['Pan', Hand, 'Pan', 'P'],
          ['Zoom', ZoomIn, 'Zoom', 'Z'],
          ['Length', Ruler, 'Length', 'L'],
          ['Angle', Triangle, 'Angle', 'A'],
          ['EllipticalROI', Circle, 'Ellipse', 'E'],
        ] as const).map(([t, Icon, label, key]) => (
          <button key={t} type="button" className={cls(tool === t)} aria-pressed={tool === t} onClick={() => chooseTool(t)} title={`${label} (${key})`}>
            <Icon className="h-4 w-4" aria-hidden /> <span className="sr-only 2xl:not-sr-only">{label}</span>
          </button>
        ))}
        <div className="mx-1 h-6 w-px bg-slate-700" />
        <button type="button" className={cls(cells[active]?.invert)} aria-pressed={cells[active]?.invert} onClick={toggleInvert} title="Invert (I)"><Contrast className="h-4 w-4" aria-hidden /> <span className="sr-only 2xl:not-sr-only">Invert</span></button>
        <button type="button" className={cls(false)} onClick={reset} title="Reset (R)"><RotateCcw className="h-4 w-4" aria-hidden /> <span className="sr-only 2xl:not-sr-only">Reset</span></button>
        <button type="button" className={cls(cine[active])} aria-pressed={cine[active]} onClick={() => toggleCine()} title="Cine (Space)">
          {cine[active] ? <Pause className="h-4 w-4" aria-hidden /> : <Play className="h-4 w-4" aria-hidden />} <span className="sr-only 2xl:not-sr-only">Cine</span>
        </button>
        <label className="flex items-center gap-1 text-xs text-slate-400" title="Cine speed">
          <select value={fps} onChange={(e) => setFps(Number(e.target.value))} className="h-8 rounded border border-slate-700 bg-slate-900 px-1 text-xs text-slate-200" aria-label="Cine frames per second">
            {[5, 10, 15, 24, 30].map((f) => <option key={f} value={f}>{f} fps</option>)}
          </select>
        </label>
        <div className="mx-1 h-6 w-px bg-slate-700" />
        <div className="flex items-center gap-1" role="group" aria-label="Window presets">
          {[...presets, ...(cells[active]?.imageWindows ?? [])].map((p, k) => (
            <button key={`${p.name}-${k}`} type="button" className={cls(cells[active]?.ww === p.ww && cells[active]?.wc === p.wc)} onClick={() => applyWindow(p)} title={`W ${p.ww} / L ${p.wc} (${k + 1})`}>
              {p.name}
            </button>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-1">
          <div className="flex items-center gap-1" role="group" aria-label="Layout">
            {([['1x1', Square], ['1x2', Columns2], ['2x2', Grid2x2]] as const).map(([l, Icon]) => (
              <button key={l} type="button" className={cls(layout === l)} aria-pressed={layout === l} onClick={() => void changeLayout(l)} title={`Layout ${l.replace('x', '×')}`}>
                <Icon className="h-4 w-4" aria-hidden /> <span className="sr-only xl:not-sr-only">{l.replace('x', '×')}</span>
              </button>
            ))}
          </div>
          {cellCount > 1 && (
            <button type="button" className={cls(linked)} aria-pressed={linked} onClick={toggleLink} title="Link scrolling: the other viewports follow by slice position (S)" data-testid="link-scroll">
              <Link2 className="h-4 w-4" aria-hidden /> <span className="sr-only xl:not-sr-only">Link</span>
            </button>
          )}
          <div className="mx-1 h-6 w-px bg-slate-700" />
          <button type="button" className={cls(inspector)} aria-pressed={inspector} onClick={() => setInspector((v) => !v)} title="Tag inspector (T)"><FileCode2 className="h-4 w-4" aria-hidden /> Tags</button>
          <button type="button" className={cls(help)} onClick={() => setHelp(true)} title="Keyboard shortcuts (?)"><Keyboard className="h-4 w-4" aria-hidden /><span className="sr-only">Keyboard shortcuts</span></button>
        </div>
      </div>

      <div className="flex min-h-0 flex-1">
        {/* series */}
        <aside className="w-52 shrink-0 overflow-y-auto border-r border-slate-800 bg-slate-900/60 p-2" aria-label="Series">
          {main && (
            <div className="mb-2 px-1 text-xs">
              <p className="truncate font-semibold text-slate-100" data-testid="viewer-patient">{formatName(main.patientName)}</p>
              <p className="truncate text-slate-400">{main.patientId} · {formatDicomDateShort(main.date)}</p>
            </div>
          )}
          {studies.length === 0 && <p className="flex items-center gap-2 p-2 text-xs text-slate-400"><Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Loading the study…</p>}
          {studies.map((entry, k) => (
            <section key={entry.study.uid} className="mb-3" aria-label={k === 0 ? 'This study' : `Prior study ${formatDicomDateShort(entry.study.date)}`}>
              <h2 className="px-1 text-[11px] font-semibold uppercase tracking-wide text-slate-500">
                {k === 0 ? 'This study' : 'Prior'} · {formatDicomDateShort(entry.study.date)} {entry.study.modalities}
              </h2>
              {k > 0 && <p className="truncate px-1 text-[11px] text-slate-500">{entry.study.description}</p>}
              {!entry.series && !entry.error && (
                <button type="button" className="mt-1 w-full rounded border border-slate-700 px-2 py-1 text-left text-xs text-slate-300 hover:border-brand-500" onClick={() => void openPrior(entry.study.uid)}>
                  Show its series
                </button>
              )}
              {entry.error && <p className="text-xs text-red-300">{entry.error}</p>}
              <ul className="mt-1 space-y-1.5">
                {entry.series?.map((s) => {
                  const shownIn = assigned.slice(0, cellCount).map((u, c) => (u === s.uid ? c + 1 : 0)).filter(Boolean);
                  const n = seriesIds.current.get(s.uid)?.length ?? s.instances.reduce((m, i) => m + i.frames, 0);
                  return (
                    <li key={s.uid}>
                      <button
                        type="button"
                        draggable
                        onDragStart={(e) => e.dataTransfer.setData('text/x-series', s.uid)}
                        onClick={() => showSeries(s.uid)}
                        className={`group w-full rounded border p-1 text-left ${shownIn.length ? 'border-brand-500 bg-brand-900/30' : 'border-slate-800 hover:border-slate-600'}`}
                        data-testid="series-thumb"
                        data-loaded={loaded[s.uid] ?? 0}
                        title="Show in the active viewport (or drag onto one)"
                      >
                        {/* eslint-disable-next-line @next/next/no-img-element */}
                        <img src={`${base}/studies/${s.studyUid}/series/${s.uid}/thumbnail`} alt="" className="aspect-square w-full rounded-sm bg-black object-contain" loading="lazy" />
                        <span className="mt-1 block truncate text-xs text-slate-200">S{s.number} · {s.modality} · {s.description || 'no description'}</span>
                        <span className="block text-[11px] text-slate-500">
                          {n} image{n === 1 ? '' : 's'}
                          {loaded[s.uid] !== undefined && loaded[s.uid] < n ? ` · loading ${loaded[s.uid]}/${n}` : ''}
                          {shownIn.length ? ` · viewport ${shownIn.join(', ')}` : ''}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
        </aside>

        {/* viewports */}
        <div className={`grid min-w-0 flex-1 gap-px bg-slate-800 ${layout === '1x1' ? 'grid-cols-1' : layout === '1x2' ? 'grid-cols-2' : 'grid-cols-2 grid-rows-2'}`}>
          {Array.from({ length: cellCount }, (_, c) => {
            const st = cells[c];
            const s = assigned[c] ? seriesByUid.get(assigned[c]!) : undefined;
            const study = s ? studyByUid.get(s.studyUid) : undefined;
            const n = st.total;
            return (
              <div
                key={c}
                className={`relative min-h-0 min-w-0 bg-black ${active === c && cellCount > 1 ? 'outline outline-2 -outline-offset-2 outline-brand-500' : ''}`}
                onPointerDownCapture={() => setActive(c)}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => {
                  const uid = e.dataTransfer.getData('text/x-series');
                  if (uid) showSeries(uid, c);
                }}
                data-testid={`cell-${c}`}
              >
                <div
                  ref={(el) => {
                    elements.current[c] = el;
                  }}
                  className="absolute inset-0"
                  onContextMenu={(e) => e.preventDefault()}
                  data-testid={`viewport-${c}`}
                />
                {/* overlays: the four corners, as diagnostic viewers show them */}
                <div className="pointer-events-none absolute inset-0 select-none p-2 font-mono text-[11px] leading-tight text-slate-100 [text-shadow:0_0_3px_#000]">
                  {linked && c < cellCount && (
                    <div className="absolute left-1/2 top-2 flex -translate-x-1/2 items-center gap-1 rounded bg-brand-600/70 px-1.5 py-0.5 text-[10px] font-sans font-semibold uppercase tracking-wide" data-testid={`overlay-linked-${c}`}>
                      <Link2 className="h-3 w-3" aria-hidden /> Linked
                    </div>
                  )}
                  {study && (
                    <div className="absolute left-2 top-2" data-testid={`overlay-patient-${c}`}>
                      <div className="font-semibold">{formatName(study.patientName)}</div>
                      <div>ID {study.patientId}</div>
                      <div>Acc {study.accession || '–'}</div>
                      <div>{formatDicomDateShort(study.date)}{c > 0 && studies[0] && study.uid !== studies[0].study.uid ? ' (prior)' : ''}</div>
                    </div>
                  )}
                  {s && (
                    <div className="absolute right-2 top-2 text-right">
                      <div>{st.modality ?? s.modality} · Se {st.seriesNumber ?? s.number}</div>
                      <div className="max-w-56 truncate">{st.seriesDescription ?? s.description}</div>
                      <div data-testid={`overlay-image-${c}`}>Im {n ? st.index + 1 : 0}/{n}{st.instanceNumber !== undefined ? ` (#${st.instanceNumber})` : ''}</div>
                    </div>
                  )}
                  {n > 0 && (
                    <div className="absolute bottom-8 left-2" data-testid={`overlay-wl-${c}`}>
                      <div>W {st.ww !== undefined ? Math.round(st.ww) : '–'} / L {st.wc !== undefined ? Math.round(st.wc) : '–'}{st.invert ? ' · inverted' : ''}</div>
                      <div data-testid={`overlay-zoom-${c}`}>Zoom {(st.zoom * 100).toFixed(0)}%</div>
                    </div>
                  )}
                  {st.position && <div className="absolute bottom-8 right-2 text-right" data-testid={`overlay-position-${c}`}>Slice {st.position}</div>}
                  {st.lossy && (
                    <div className="absolute inset-x-0 top-16 mx-auto w-fit rounded border border-amber-500/70 bg-amber-950/80 px-2 py-1 text-center font-sans text-xs font-semibold text-amber-200" role="status" data-testid={`lossy-${c}`}>
                      LOSSY COMPRESSED{st.lossy.ratio ? ` · ratio ${st.lossy.ratio}:1` : ''}{st.lossy.method ? ` · ${st.lossy.method}` : ''}
                    </div>
                  )}
                </div>
                {!s && studies.length > 0 && <p className="absolute inset-0 grid place-items-center text-sm text-slate-500">Drag a series here</p>}
                {s && n === 0 && !st.error && <p className="absolute inset-0 grid place-items-center text-sm text-slate-400"><Loader2 className="h-5 w-5 animate-spin" aria-label="Loading" /></p>}
                {st.error && <p className="absolute inset-x-4 top-1/2 rounded bg-red-950/90 p-3 text-center text-sm text-red-200" role="alert">{st.error}</p>}
                {n > 1 && (
                  <input
                    type="range"
                    min={0}
                    max={n - 1}
                    value={st.index}
                    onChange={(e) => jump(Number(e.target.value), c)}
                    className="absolute inset-x-3 bottom-2 h-4 accent-brand-500"
                    aria-label={`Image in viewport ${c + 1}`}
                    data-testid={`slider-${c}`}
                  />
                )}
              </div>
            );
          })}
        </div>

        {/* right panel: measurements, or the tag inspector */}
        {inspector ? (
          <TagInspector base={base} image={current[active]} others={inspectorImages} onClose={() => setInspector(false)} />
        ) : (
          <aside className="w-60 shrink-0 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-3 text-xs" aria-label="Measurements">
            <div className="flex items-center justify-between">
              <h2 className="font-semibold uppercase tracking-wide text-slate-400">Measurements</h2>
              {measurements.length > 0 && (
                <button type="button" onClick={clearMeasurements} className="text-slate-400 hover:text-white">Clear</button>
              )}
            </div>
            <ul className="mt-2 space-y-1" data-testid="measurements">
              {measurements.map((m) => (
                <li key={m.uid} className="flex items-start justify-between gap-2 rounded bg-slate-800/70 px-2 py-1.5">
                  <span>{m.text}{m.cell !== undefined && cellCount > 1 ? <span className="text-slate-500"> · vp {m.cell + 1}</span> : null}</span>
                  <button type="button" onClick={() => removeMeasurement(m.uid)} className="text-slate-500 hover:text-red-300" aria-label={`Delete ${m.text}`}><Trash2 className="h-3.5 w-3.5" aria-hidden /></button>
                </li>
              ))}
              {measurements.length === 0 && <li className="text-slate-500">Pick Length, Angle or Ellipse and draw on the image. Ellipse gives the mean and SD (HU for CT).</li>}
            </ul>
            <div className="mt-5 text-slate-500">
              <p className="font-semibold uppercase tracking-wide text-slate-400">Mouse</p>
              <p className="mt-1">Left: active tool · right: zoom · middle: pan · wheel: scroll · pinch or Ctrl+wheel: zoom.</p>
            </div>
          </aside>
        )}
      </div>

      {help && (
        <div className="absolute inset-0 z-50 grid place-items-center bg-black/60" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={() => setHelp(false)}>
          <div className="w-[28rem] rounded-lg border border-slate-700 bg-slate-900 p-5 shadow-xl" onClick={(e) => e.stopPropagation()}>
            <div className="flex items-center justify-between">
              <h2 className="font-semibold text-slate-100">Keyboard shortcuts</h2>
              <button type="button" onClick={() => setHelp(false)} className="text-slate-400 hover:text-white" aria-label="Close"><X className="h-4 w-4" aria-hidden /></button>
            </div>
            <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1.5 text-sm">
              {[
                ['↑ ↓ ← →', 'Previous / next image'],
                ['PgUp PgDn', '10 images back / on'],
                ['Home End', 'First / last image'],
                ['Wheel', 'Scroll through the series'],
                ['Ctrl + wheel / pinch', 'Zoom'],
                ['Space', 'Cine play / stop'],
                ['W P Z', 'Window/level, pan, zoom'],
                ['L A E', 'Length, angle, ellipse ROI'],
                ['1 – 9', 'Window presets, in toolbar order'],
                ['I', 'Invert'],
                ['R', 'Reset zoom, pan and window'],
                ['T', 'Tag inspector'],
                ['S', 'Link scrolling of the viewports (1×2, 2×2)'],
                ['? or H', 'This help · Esc closes it'],
              ].map(([k, v]) => (
                <div key={k} className="contents">
                  <dt><kbd className="rounded border border-slate-600 bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-slate-200">{k}</kbd></dt>
                  <dd className="text-slate-300">{v}</dd>
                </div>
              ))}
            </dl>
            <p className="mt-3 text-xs text-slate-500">Mouse: left button uses the active tool, right button zooms, middle button pans. On a touchpad, two-finger scroll moves through the series and a pinch zooms.</p>
          </div>
        </div>
      )}
    </div>
  );
}
