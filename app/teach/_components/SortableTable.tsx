'use client';
// A table whose columns sort on click (asc, then desc). Cells carry a sort value beside what is shown, so the
// server can pass links and buttons as cells; empty values sort last either way.
import { useState, type ReactNode } from 'react';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';

export interface Column { key: string; label: string; numeric?: boolean }
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
              const active = sort?.key === c.key;
              const Icon = !active ? ArrowUpDown : sort.dir === 1 ? ArrowUp : ArrowDown;
              return (
                <th key={c.key} aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} className={c.numeric ? 'text-right' : ''}>
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
                return <td key={c.key} className={c.numeric ? 'text-right tabular-nums' : ''}>{cell?.show ?? (cell?.sort === null || cell?.sort === undefined ? '–' : cell.sort)}</td>;
              })}
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={columns.length} className="text-slate-500">{empty}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
