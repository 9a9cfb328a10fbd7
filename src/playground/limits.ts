// Slack's Block Kit limits, checked the way Slack checks a message or a view before it takes it: the local
// Slack refuses what Slack would refuse (invalid_blocks), and the tests' fake Slack fails a test on it.
// Written from Slack's reference (https://api.slack.com/reference/block-kit/blocks,
// https://api.slack.com/reference/surfaces/views), independently of the bot's own renderer and its limits.

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  inputLabel: 2000,
  /** Not a documented hard limit; past it Slack's clients cut messages off, so the bot keeps under it. */
  totalText: 12_000,
  messageText: 40_000,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
} as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The words of a text object ({type, text}); '' for anything else. */
export function textOf(o: unknown): string {
  return isObj(o) && typeof o.text === 'string' ? o.text : '';
}

/** Elements a person can act on carry an action_id Slack echoes back. */
const INTERACTIVE = new Set(['button', 'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select', 'overflow', 'datepicker', 'timepicker', 'checkboxes', 'radio_buttons', 'plain_text_input', 'multi_static_select', 'number_input', 'email_text_input', 'url_text_input']);

function elementProblems(e: Obj, at: string): { problems: string[]; chars: number } {
  const problems: string[] = [];
  let chars = 0;
  if (e.type === 'button') {
    const label = textOf(e.text);
    chars += label.length;
    if (label.length === 0) problems.push(`${at}: button without text`);
    if (label.length > SLACK_LIMITS.buttonText) problems.push(`${at}: button text ${label.length} > ${SLACK_LIMITS.buttonText}`);
    if (typeof e.value === 'string' && e.value.length > SLACK_LIMITS.buttonValue) problems.push(`${at}: button value ${e.value.length} > ${SLACK_LIMITS.buttonValue}`);
  }
  if (typeof e.type === 'string' && INTERACTIVE.has(e.type)) {
    if (typeof e.action_id !== 'string' || e.action_id.length === 0 || e.action_id.length > SLACK_LIMITS.actionId) problems.push(`${at}: bad action_id`);
  }
  return { problems, chars };
}

/** Every problem a block list has under Slack's limits; empty when Slack would take it. */
export function blockProblems(blocks: unknown, where: string, maxBlocks: number = SLACK_LIMITS.messageBlocks): string[] {
  const out: string[] = [];
  if (!Array.isArray(blocks)) return [`${where}: blocks is not an array`];
  if (blocks.length > maxBlocks) out.push(`${where}: ${blocks.length} blocks > ${maxBlocks}`);
  let total = 0;
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    if (!isObj(raw)) {
      out.push(`${where} block ${i}: not an object`);
      return;
    }
    const b = raw;
    const at = `${where} block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > SLACK_LIMITS.blockId) out.push(`${at}: block_id longer than ${SLACK_LIMITS.blockId}`);
      if (blockIds.has(b.block_id)) out.push(`${at}: block_id ${b.block_id} used twice`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'section': {
        const t = textOf(b.text);
        total += t.length;
        if (!b.text && !b.fields) out.push(`${at}: section without text or fields`);
        if (t.length > SLACK_LIMITS.sectionText) out.push(`${at}: text ${t.length} > ${SLACK_LIMITS.sectionText}`);
        if (b.text && t.length === 0) out.push(`${at}: empty text`);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length > SLACK_LIMITS.sectionFields) out.push(`${at}: more than ${SLACK_LIMITS.sectionFields} fields`);
          else
            for (const f of b.fields) {
              const ft = textOf(f);
              total += ft.length;
              if (ft.length > SLACK_LIMITS.fieldText) out.push(`${at}: field text ${ft.length} > ${SLACK_LIMITS.fieldText}`);
            }
        }
        if (isObj(b.accessory)) {
          const r = elementProblems(b.accessory, `${at} accessory`);
          out.push(...r.problems);
          total += r.chars;
        }
        break;
      }
      case 'header': {
        const t = textOf(b.text);
        total += t.length;
        if (t.length > SLACK_LIMITS.header) out.push(`${at}: header ${t.length} > ${SLACK_LIMITS.header}`);
        break;
      }
      case 'context': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) out.push(`${at}: context without elements`);
        else {
          if (els.length > SLACK_LIMITS.contextElements) out.push(`${at}: ${els.length} elements > ${SLACK_LIMITS.contextElements}`);
          for (const e of els) {
            const t = textOf(e);
            total += t.length;
            if (t.length > SLACK_LIMITS.sectionText) out.push(`${at}: element text ${t.length} > ${SLACK_LIMITS.sectionText}`);
          }
        }
        break;
      }
      case 'actions': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) out.push(`${at}: actions without elements`);
        else {
          if (els.length > SLACK_LIMITS.actionsElements) out.push(`${at}: ${els.length} elements > ${SLACK_LIMITS.actionsElements}`);
          for (const e of els) {
            if (!isObj(e)) {
              out.push(`${at}: an element is not an object`);
              continue;
            }
            const r = elementProblems(e, at);
            out.push(...r.problems);
            total += r.chars;
          }
          const ids = els.filter(isObj).map((e) => e.action_id);
          if (new Set(ids).size !== ids.length) out.push(`${at}: duplicate action_id in one block`);
        }
        break;
      }
      case 'input': {
        const label = textOf(b.label);
        if (label.length === 0 || label.length > SLACK_LIMITS.inputLabel) out.push(`${at}: input label must have 1 to ${SLACK_LIMITS.inputLabel} characters`);
        if (!isObj(b.element)) out.push(`${at}: input without element`);
        else out.push(...elementProblems(b.element, at).problems);
        break;
      }
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      default:
        out.push(`${at}: unknown block type`);
    }
  });
  if (total > SLACK_LIMITS.totalText) out.push(`${where}: ${total} characters of block text > ${SLACK_LIMITS.totalText}`);
  return out;
}

/** A message (chat.postMessage, chat.update, a response_url post, an ack): its blocks and its text fallback. */
export function messageProblems(where: string, body: Obj): string[] {
  const problems: string[] = [];
  const text = body.text;
  if (body.blocks !== undefined) {
    problems.push(...blockProblems(body.blocks, where));
    // Slack takes blocks without text, but then notifications and screen readers have nothing to say.
    if (typeof text !== 'string' || text.trim() === '') problems.push(`${where}: blocks without a text fallback`);
  } else if (typeof text !== 'string' || text === '') problems.push(`${where}: no text and no blocks`);
  if (typeof text === 'string' && text.length > SLACK_LIMITS.messageText) problems.push(`${where}: text ${text.length} > ${SLACK_LIMITS.messageText}`);
  if (body.metadata !== undefined) problems.push(...metadataProblems(where, body.metadata));
  return problems;
}

/** Message metadata: an event type and a payload object (https://api.slack.com/reference/metadata). */
export function metadataProblems(where: string, metadata: unknown): string[] {
  if (!isObj(metadata)) return [`${where}: metadata is not an object`];
  const out: string[] = [];
  if (typeof metadata.event_type !== 'string' || !/^[a-z0-9_]{1,255}$/i.test(metadata.event_type)) out.push(`${where}: metadata.event_type must be a word of letters, digits and _`);
  if (!isObj(metadata.event_payload)) out.push(`${where}: metadata.event_payload must be an object`);
  return out;
}

/** A view for views.publish (home) or views.open/update/push (modal). */
export function viewProblems(where: string, view: unknown, want: 'home' | 'modal'): string[] {
  if (!isObj(view)) return [`${where}: view is not an object`];
  const out: string[] = [];
  if (view.type !== want) out.push(`${where}: view.type must be ${want}`);
  out.push(...blockProblems(view.blocks, where, SLACK_LIMITS.viewBlocks));
  if (want === 'modal') {
    const title = textOf(view.title);
    if (title.length === 0 || title.length > SLACK_LIMITS.viewTitle) out.push(`${where}: modal title must have 1 to ${SLACK_LIMITS.viewTitle} characters`);
    for (const k of ['submit', 'close'] as const) {
      if (view[k] !== undefined && textOf(view[k]).length > SLACK_LIMITS.viewButton) out.push(`${where}: ${k} longer than ${SLACK_LIMITS.viewButton}`);
    }
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) out.push(`${where}: a modal with input blocks needs a submit button`);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > SLACK_LIMITS.callbackId) out.push(`${where}: callback_id longer than ${SLACK_LIMITS.callbackId}`);
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > SLACK_LIMITS.privateMetadata) out.push(`${where}: private_metadata longer than ${SLACK_LIMITS.privateMetadata}`);
  return out;
}

/** The first element with this action_id (and block_id, when given) in a block list: the button a click names. */
export function findElement(blocks: unknown, actionId: string, blockId?: string): { element: Obj; blockId: string } | null {
  if (!Array.isArray(blocks)) return null;
  for (const b of blocks) {
    if (!isObj(b)) continue;
    const id = typeof b.block_id === 'string' ? b.block_id : '';
    if (blockId !== undefined && blockId !== '' && id !== blockId) continue;
    const candidates = [...(Array.isArray(b.elements) ? b.elements : []), b.accessory, b.element];
    for (const e of candidates) if (isObj(e) && e.action_id === actionId) return { element: e, blockId: id };
  }
  return null;
}
