/** The current state.json shape; a state.json of any other version is ignored and rebuilt from the journal. */
export const STATE_VERSION = 2;
