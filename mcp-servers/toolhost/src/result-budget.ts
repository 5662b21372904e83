// The one size budget of a tool result. The toolhost sizes every output to fit it (with its notes and status
// lines), and the hub cuts any server's larger result to it keeping head and tail, so no end is ever lost.

/** Most characters of one tool result the model sees. */
export const TOOL_RESULT_MAX_CHARS = 50_000;

/** Bytes of a command's output returned whole; more is shown as head and tail (see OutputCapture). */
export const OUTPUT_WHOLE_BYTES = 40 * 1024;

/** Bytes kept from each end of a longer output: together they fit the budget with room for notes and status. */
export const OUTPUT_END_BYTES = 20 * 1024;

/** Most bytes read_file returns per call; its continuation note fits in the rest of the budget. */
export const READ_MAX_BYTES = 48 * 1024;
