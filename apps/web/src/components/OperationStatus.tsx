import { useEffect, useState } from 'react';
import { api, errorText } from '../api';

interface Operation {
  status: 'notStarted' | 'executing' | 'succeeded' | 'failed';
  message?: string;
}

/** Follows an asynchronous operation (key deployment) until it has succeeded or failed. */
export function OperationStatus({ href, label }: { href: string; label: string }) {
  const [operation, setOperation] = useState<Operation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async (): Promise<void> => {
      try {
        const current = await api.get<Operation>(href);
        if (stopped) return;
        setOperation(current);
        if (current.status === 'notStarted' || current.status === 'executing') timer = setTimeout(() => void poll(), 1000);
      } catch (e) {
        if (!stopped) setError(errorText(e));
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [href]);
  const status = error ? 'failed' : (operation?.status ?? 'notStarted');
  return (
    <li className={`operation operation-${status}`} role="status">
      <strong>{label}</strong>: {status === 'notStarted' ? 'queued' : status}
      {(operation?.message || error) && <span className="muted"> — {error ?? operation?.message}</span>}
    </li>
  );
}
