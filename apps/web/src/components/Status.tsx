import type { ReactNode } from 'react';
import { messageFor } from '../api/index.ts';
import { Icon, type IconName } from './Icon.tsx';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

/** A failed load, with the message for its error code and a retry. */
export function LoadError({
  error,
  retry,
  title = 'Something went wrong',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="notice notice-error" role="alert">
      <h2 className="notice-title">{title}</h2>
      <p>{messageFor(error)}</p>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export type NoticeTone = 'info' | 'warning' | 'error' | 'success';

/** A banner. `live` makes screen readers read it when it appears. */
export function Notice({
  tone = 'info',
  title,
  children,
  live = false,
  icon,
  testId,
}: {
  tone?: NoticeTone;
  title?: string;
  children?: ReactNode;
  live?: boolean;
  /** Drawn as an inline SVG (components/Icon.tsx), never as a font glyph. */
  icon?: IconName;
  testId?: string;
}) {
  return (
    <div
      className={`notice notice-${tone}`}
      role={live ? (tone === 'error' ? 'alert' : 'status') : undefined}
      data-testid={testId}
    >
      {icon && (
        <span className="notice-icon" aria-hidden="true">
          <Icon name={icon} />
        </span>
      )}
      <div>
        {title && <p className="notice-title">{title}</p>}
        {children}
      </div>
    </div>
  );
}
