// The viewer's interaction tools (window/level, pan, zoom, scroll, measurements, cine) from @cornerstonejs/tools,
// loaded AFTER the first image is on screen (cornerstone.ts loadTools): the tools package is as big as the core
// and nothing of it is needed to draw the first slice, so it is not on the path to the first image (issue 6:
// first image under 1.5 s). The Viewer imports this file's types only; the code arrives by dynamic import.
import {
  AngleTool,
  EllipticalROITool,
  Enums,
  LengthTool,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  addTool,
  annotation,
  init,
  state,
  store,
  utilities,
} from '@cornerstonejs/tools';

let initialised = false;

/** What the Viewer does with the tools, by tool name ('WindowLevel', 'Pan', 'Zoom', 'Length', 'Angle', 'EllipticalROI'). */
export interface Toolkit {
  /** the group with the default bindings: W/L on the left button, pan middle, zoom right, scroll on the wheel */
  createGroup(groupId: string, viewports: { viewportId: string; engineId: string; element: HTMLDivElement }[]): void;
  addViewport(groupId: string, viewportId: string, engineId: string): void;
  removeViewport(groupId: string, viewportId: string, engineId: string): void;
  destroyGroup(groupId: string): void;
  /** makes `name` the left-button tool; pan and zoom keep their own buttons, measurements stay editable */
  choose(groupId: string, name: string): void;
  playClip(el: HTMLDivElement, fps: number): void;
  stopClip(el: HTMLDivElement): void;
  annotations(): { uid: string; tool: string; imageId: string; stats: Record<string, unknown> }[];
  removeAnnotation(uid: string): void;
  removeAllAnnotations(): void;
  /** the events that change the measurement list */
  annotationEvents: string[];
}

const { MouseBindings, KeyboardBindings } = Enums;
/** zoom keeps the right button, and Ctrl + wheel, which is also what a touchpad pinch sends (Chromium, Firefox, Safari) */
const ZOOM_BINDINGS = [{ mouseButton: MouseBindings.Secondary }, { mouseButton: MouseBindings.Wheel, modifierKey: KeyboardBindings.Ctrl }];

function choose(groupId: string, name: string): void {
  const group = ToolGroupManager.getToolGroup(groupId);
  if (!group) return;
  const prev = group.getActivePrimaryMouseButtonTool();
  if (prev) {
    if (prev === PanTool.toolName) group.setToolActive(prev, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    else if (prev === ZoomTool.toolName) group.setToolActive(prev, { bindings: ZOOM_BINDINGS });
    else group.setToolPassive(prev);
  }
  const keep = name === PanTool.toolName ? [{ mouseButton: MouseBindings.Auxiliary }] : name === ZoomTool.toolName ? ZOOM_BINDINGS : [];
  group.setToolActive(name, { bindings: [{ mouseButton: MouseBindings.Primary }, ...keep] });
}

export function initTools(): Toolkit {
  if (!initialised) {
    init();
    for (const t of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool]) addTool(t);
    initialised = true;
  }
  return {
    createGroup(groupId, viewports) {
      const group = ToolGroupManager.getToolGroup(groupId) ?? ToolGroupManager.createToolGroup(groupId)!;
      for (const t of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool]) if (!group.hasTool(t.toolName)) group.addTool(t.toolName);
      group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
      group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
      group.setToolActive(ZoomTool.toolName, { bindings: ZOOM_BINDINGS });
      group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
      for (const n of [LengthTool.toolName, AngleTool.toolName, EllipticalROITool.toolName]) group.setToolPassive(n);
      for (const v of viewports) {
        // viewports enabled before the tools were loaded missed the ELEMENT_ENABLED event the tools listen to:
        // give their elements the mouse, wheel, touch and keyboard listeners now (what init() does for later ones)
        if (!state.enabledElements.includes(v.element)) store.addEnabledElement({ detail: { element: v.element, viewportId: v.viewportId } } as unknown as Parameters<typeof store.addEnabledElement>[0]);
        group.addViewport(v.viewportId, v.engineId);
      }
    },
    addViewport: (groupId, viewportId, engineId) => ToolGroupManager.getToolGroup(groupId)?.addViewport(viewportId, engineId),
    removeViewport: (groupId, viewportId, engineId) => ToolGroupManager.getToolGroup(groupId)?.removeViewports(engineId, viewportId),
    destroyGroup: (groupId) => ToolGroupManager.destroyToolGroup(groupId),
    choose,
    playClip: (el, fps) => utilities.cine.playClip(el, { framesPerSecond: fps, loop: true }),
    stopClip: (el) => utilities.cine.stopClip(el),
    annotations: () =>
      annotation.state.getAllAnnotations().map((a) => ({
        uid: a.annotationUID ?? '',
        tool: a.metadata?.toolName ?? '',
        imageId: a.metadata?.referencedImageId ?? '',
        stats: Object.values((a.data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats ?? {})[0] ?? {},
      })),
    removeAnnotation: (uid) => annotation.state.removeAnnotation(uid),
    removeAllAnnotations: () => annotation.state.removeAllAnnotations(),
    annotationEvents: [Enums.Events.ANNOTATION_COMPLETED, Enums.Events.ANNOTATION_MODIFIED, Enums.Events.ANNOTATION_REMOVED],
  };
}
