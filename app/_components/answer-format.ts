// Plain helpers shared by server and client components (a 'use client' module's exports are references on the server).
import type { PublicQuestion } from '@/app/_lib/content';

export const letters = 'ABCDEF';

export function formatHint(type: PublicQuestion['type']): string {
  return type === 'multiple' ? 'Select all that apply' : type === 'ordered' ? 'Put in order' : type === 'hotspot' ? 'Click the right place' : 'Choose one';
}
