import type { ComponentChildren } from 'preact';
import type { Dot } from './format.ts';
import { errorText } from './api.ts';

export function StatusDot({ dot, label }: { dot: Dot; label?: string }) {
  return <span class={`dot dot-${dot}`} role="img" aria-label={label ?? dot} title={label ?? dot} data-dot={dot} />;
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <h1>{title}</h1>
      <div class="actions">{children}</div>
    </header>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return <div class="error" role="alert">{errorText(error)}</div>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Card({ title, children, wide }: { title: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <section class={wide ? 'card wide' : 'card'} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}
