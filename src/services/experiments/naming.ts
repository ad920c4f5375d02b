/**
 * The variant an impression records: "<experiment id>:<variant>", so that the impression log
 * (and GET /api/stats/ctr?by=variant) tells experiments apart even when their variants share names.
 */
export function impressionVariant(experiment: string, variant: string): string {
  return `${experiment}:${variant}`;
}
