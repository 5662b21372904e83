// English stop words (and filler common in coding prompts) that say nothing about a playbook's subject,
// dropped before ranking so "please can you help me with this" matches nothing.
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "about above after again against all also and any are aren because been before being below between both " +
    "but can cannot could did didn does doesn doing don down during each few for from further had has have " +
    "having her here hers herself him himself his how into isn its itself just let lets more most must " +
    "myself nor not now off once only other ought our ours ourselves out over own please same she should so " +
    "some such than that the their theirs them themselves then there these they this those through too under " +
    "until very was wasn were what when where which while who whom why will with won would you your yours " +
    "yourself yourselves want need needs make makes made use using used get gets got thing things something " +
    "help work works working way like look looks one two new file files code"
  ).split(" "),
);
