'use client';
// A table whose columns sort on click (asc, then desc). Cells carry a sort value beside what is shown, so the
// server can pass links and buttons as cells; empty values sort last either way.
import { useState, type ReactNode } from 'react';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';

/**
 * `pin`: keep the column in view while a wide table scrolls sideways (the student's name on the left, the row's
 * actions on the right); a column with an empty label is not sortable (actions).
 */
export interface Column { key: string; label: string; numeric?: boolean; pin?: 'left' | 'right' }

const PIN_CLASS = {
  left: 'sticky left-0 z-10 bg-white shadow-[1px_0_0_0_var(--color-slate-200)]',
  right: 'sticky right-0 z-10 bg-white shadow-[-1px_0_0_0_var(--color-slate-200)]',
} as const;

function cellClass(c: Column, head: boolean): string {
  const pin = c.pin ? `${PIN_CLASS[c.pin]}${head ? ' !bg-slate-50' : ''}` : '';
  return [c.numeric ? 'text-right' : '', !head && c.numeric ? 'tabular-nums' : '', pin].filter(Boolean).join(' ');
}
export type SortValue = string | number | null;
export interface Row { id: string; cells: Record<string, { sort: SortValue; show?: ReactNode }> }

export function SortableTable({ columns, rows, label, testId, empty = 'Nothing yet.' }: { columns: Column[]; rows: Row[]; label: string; testId?: string; empty?: string }) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const sorted = sort
    ? [...rows].sort((a, b) => {
        const x = a.cells[sort.key]?.sort ?? null;
        const y = b.cells[sort.key]?.sort ?? null;
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sort.dir;
      })
    : rows;
  return (
    <div className="overflow-x-auto">
      <table className="table-dense" aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => {
              if (c.label === '') return <th key={c.key} className={cellClass(c, true)}><span className="sr-only">Actions</span></th>;
              const active = sort?.key === c.key;
              const Icon = !active ? ArrowUpDown : sort.dir === 1 ? ArrowUp : ArrowDown;
              return (
                <th key={c.key} aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} className={cellClass(c, true)}>
                  <button type="button" className="inline-flex items-center gap-1 hover:text-slate-900" onClick={() => setSort(active && sort.dir === 1 ? { key: c.key, dir: -1 } : { key: c.key, dir: 1 })}>
                    {c.label}
                    <Icon className={`h-3 w-3 ${active ? 'text-brand-600' : 'text-slate-300'}`} aria-hidden />
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.id}>
              {columns.map((c) => {
                const cell = r.cells[c.key];
                return <td key={c.key} className={cellClass(c, false)}>{cell?.show ?? (cell?.sort === null || cell?.sort === undefined ? '–' : cell.sort)}</td>;
              })}
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={columns.length} className="text-slate-500">{empty}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
