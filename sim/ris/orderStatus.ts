// The order's status, through one pure transition function (DESIGN.md invariants). An order is placed
// `scheduled`; MPPS moves it (IN PROGRESS → in-progress, COMPLETED → completed, DISCONTINUED → discontinued,
// PS3.4 F.1.5: "discontinued" lets the RIS reschedule or cancel); the RIS user may cancel or reschedule it.
// Signing the report ends the order as `reported` (IHE SWF: the order is fulfilled once its result exists). A
// modality without MPPS never moves the order, so a report may also end a scheduled or in-progress order: the
// images are in the archive and have been read, which is the proof the step was done.

export const ORDER_STATUSES = ['scheduled', 'in-progress', 'completed', 'discontinued', 'cancelled', 'reported'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderEvent =
  /** MPPS N-CREATE with IN PROGRESS */
  | 'mpps-in-progress'
  /** MPPS N-SET COMPLETED */
  | 'mpps-completed'
  /** MPPS N-SET DISCONTINUED */
  | 'mpps-discontinued'
  /** the RIS user cancels the order */
  | 'cancel'
  /** the RIS user puts a discontinued or cancelled order back on the worklist */
  | 'reschedule'
  /** the radiologist signs the report on the order's study */
  | 'report-signed';

export type OrderTransition = { ok: true; status: OrderStatus } | { ok: false; reason: string };

const NEXT: Record<OrderEvent, Partial<Record<OrderStatus, OrderStatus>>> = {
  // a second MPPS for the same order (e.g. a second acquisition on another station) keeps it in progress
  'mpps-in-progress': { scheduled: 'in-progress', 'in-progress': 'in-progress' },
  'mpps-completed': { 'in-progress': 'completed' },
  'mpps-discontinued': { 'in-progress': 'discontinued' },
  cancel: { scheduled: 'cancelled', discontinued: 'cancelled' },
  reschedule: { discontinued: 'scheduled', cancelled: 'scheduled' },
  // not from discontinued or cancelled: the order says the step was not (fully) done, so the RIS user decides first
  'report-signed': { scheduled: 'reported', 'in-progress': 'reported', completed: 'reported' },
};

export function isOrderStatus(s: string): s is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s);
}

/** The next status of an order, or why the event is not allowed in its current status. */
export function nextOrderStatus(current: string, event: OrderEvent): OrderTransition {
  if (!isOrderStatus(current)) return { ok: false, reason: `unknown order status "${current}"` };
  const next = NEXT[event][current];
  if (!next) return { ok: false, reason: `an order that is ${current} cannot take "${event}"` };
  return { ok: true, status: next };
}

/** Statuses whose step is still to be done: only these appear on the Modality Worklist. */
export const WORKLIST_STATUSES: readonly OrderStatus[] = ['scheduled'];
