import type { Decider } from '../../domain/decider';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * given(events).when(command).then(events): the state is folded from the given events, never
 * built by hand, so a test cannot set up a state the stream could not reach. Events and every
 * state on the way are frozen: a decider that mutates its input fails the test.
 */
export function spec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given: (events: Event[]) => ({
      when: (command: Command) => {
        const run = (): Event[] => {
          const state = deepFreeze(events).reduce(
            (current, event) => deepFreeze(decider.evolve(current, event)),
            deepFreeze(decider.initialState),
          );
          return decider.decide(command, state);
        };
        return {
          then: (expected: Event[]): void => {
            expect(run()).toEqual(expected);
          },
          thenNothing: (): void => {
            expect(run()).toEqual([]);
          },
          /** Returns the error, for assertions a predicate would make hard to read. */
          thenThrows: <E extends Error>(
            type: ErrorClass<E>,
            predicate?: (error: E) => boolean,
          ): E => {
            let events: Event[];
            try {
              events = run();
            } catch (error) {
              expect(error).toBeInstanceOf(type);
              const typed = error as E;
              if (predicate && !predicate(typed)) {
                const details = JSON.stringify((typed as { details?: unknown }).details);
                throw new Error(`${typed.name} did not match: ${typed.message} ${details}`);
              }
              return typed;
            }
            throw new Error(`expected ${type.name}, but decide returned ${JSON.stringify(events)}`);
          },
        };
      },
    }),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
