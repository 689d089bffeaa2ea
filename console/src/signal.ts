/** A tiny observable value (the language), with a hook that re-renders its users. */
import { useEffect, useState } from 'preact/hooks';

export function signal<T>(initial: T) {
  let value = initial;
  const listeners = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const l of listeners) l(next);
    },
    subscribe(listener: (v: T) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useSignal<T>(s: ReturnType<typeof signal<T>>): T {
  const [value, setValue] = useState(s.get());
  useEffect(() => {
    const off = s.subscribe(setValue);
    return () => void off();
  }, [s]);
  return value;
}
