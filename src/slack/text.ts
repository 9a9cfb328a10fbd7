// Slack's message format → the text a person pasted. Slack escapes &, < and > as entities and wraps
// links, mentions and channels in <…> (https://api.slack.com/reference/surfaces/formatting#escaping);
// the parser must see `<module>` and `postgres://…` as they were written.

export function slackToPlain(text: string): string {
  return text
    .replace(/<([^<>|]{1,2000})(?:\|([^<>]{0,2000}))?>/g, (_m, target: string, label: string | undefined) => {
      if (target.startsWith('@') || target.startsWith('#') || target.startsWith('!')) {
        // <@U123>, <#C123|general>, <!here>: a label reads better than an id.
        const sigil = target.startsWith('#') ? '#' : '@';
        return label ? `${sigil}${label.replace(/^[@#]/, '')}` : `${sigil}${target.slice(1).replace(/^subteam\^/, '')}`;
      }
      // An auto-linked URL or host: the label is what the person typed (db:5432 rather than http://db:5432).
      return label ?? target.replace(/^mailto:/, '');
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
