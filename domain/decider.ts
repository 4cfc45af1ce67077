/**
 * A stream's business rules as three pure functions: the state a stream starts in, how an event
 * changes the state, and which events a command yields in a state (or which error it throws).
 */
export type Decider<State, Command, Event> = {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
};
