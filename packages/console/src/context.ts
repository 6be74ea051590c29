import { createContext } from 'preact';
import type { OperatorInfo, OperatorRow, Presence } from './lib/types';

export interface AppState {
  me: OperatorInfo;
  operators: OperatorRow[];
  presence: Record<string, Presence>;
}

export const AppContext = createContext<AppState>({ me: { id: '', email: '', name: '', role: 'agent' }, operators: [], presence: {} });

export function operatorName(state: AppState, id: string | null): string | null {
  if (!id) return null;
  return state.operators.find((o) => o.id === id)?.name ?? id;
}
