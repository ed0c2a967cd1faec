import { DomainError } from './errors.ts';

/** One named transition: the states it may start from and the state it leads to. */
export interface Transition<S extends string> {
  from: readonly S[];
  to: S;
}

/**
 * A state machine as data, so the same table serves a single-row change (`next`) and a batched SQL update
 * (`from` in a `WHERE status IN (...)` guard).
 */
export interface StateMachine<S extends string, A extends string> {
  readonly entity: string;
  readonly transitions: Record<A, Transition<S>>;
  readonly auditAction: Record<A, string>;
  /**
   * The state `action` leads to from `current`.
   * @throws DomainError `invalid_transition` when the action is not allowed from `current`.
   */
  next(current: S, action: A): S;
  /** Whether `action` is allowed from `current`. */
  can(current: S, action: A): boolean;
  /** The actions possible from a state. */
  allowed(current: S): A[];
}

export function defineMachine<S extends string, A extends string>(
  entity: string,
  transitions: Record<A, Transition<S>>,
  auditAction: Record<A, string>,
): StateMachine<S, A> {
  const actions = Object.keys(transitions) as A[];
  const can = (current: S, action: A) => transitions[action].from.includes(current);
  return {
    entity,
    transitions,
    auditAction,
    can,
    next(current, action) {
      const t = transitions[action];
      if (!t.from.includes(current))
        throw new DomainError(
          'invalid_transition',
          `Cannot ${action.replace(/_/g, ' ')} a ${entity} that is ${current}.`,
          {
            entity,
            state: current,
            action,
            allowedFrom: [...t.from],
          },
        );
      return t.to;
    },
    allowed: (current) => actions.filter((a) => can(current, a)),
  };
}
