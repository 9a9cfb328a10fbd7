// Every identifier Slack echoes back to us, in one place: the manifest, the renderer and the listeners
// must agree on them, and a rename here is a rename everywhere.
export const COMMAND = '/refused';

/** The message shortcut "Diagnose connection" (manifest callback_id). */
export const SHORTCUT_DIAGNOSE = 'refused_diagnose_message';

export const ACTION = {
  recheck: 'refused_recheck',
  watch: 'refused_watch',
  stopWatch: 'refused_stop_watch',
  fixed: 'refused_feedback_fixed',
  didntHelp: 'refused_feedback_no',
  /** Followed by the option's position: refused_answer_0, refused_answer_1 … (action ids are unique within a block). */
  answer: 'refused_answer_',
  /**
   * The buttons that show another view of the same answer (all steps, other causes, another OS's commands, the
   * first view again), followed by what they show: refused_view_steps, refused_view_os_macos … The value says
   * which view; the suffix only keeps action ids unique within the block.
   */
  view: 'refused_view_',
} as const;

/** block_id prefixes the renderer gives to blocks a later action edits. */
export const BLOCK = {
  buttons: 'refused_buttons',
  /** Followed by the cause's position: refused_feedback_0, refused_feedback_1 … */
  feedback: 'refused_feedback_',
  changes: 'refused_changes',
  rechecked: 'refused_rechecked',
  /** The question whose answer would settle the first causes, its buttons, and who answered what. */
  question: 'refused_question',
  answers: 'refused_answers',
  answered: 'refused_answered',
} as const;

/** The reaction that shows a pasted error is being looked at. */
export const WORKING_REACTION = 'mag';
