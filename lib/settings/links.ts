// Links from a cell × service to the observability tools, as URL templates. Pure.
import { z } from "zod";

const template = z
  .string()
  .max(500)
  .refine((s) => s === "" || /^https?:\/\//.test(s), "must start with http:// or https://");

export const linksSchema = z.object({ logs: template, traces: template, metrics: template });
export type LinkTemplates = z.infer<typeof linksSchema>;

export const DEFAULT_LINKS: LinkTemplates = {
  logs: "https://logs.example.internal/search?q=cell_id%3A{cell}%20service%3A{service}",
  traces: "https://traces.example.internal/search?tags=cell_id%3D{cell}%20service%3D{service}",
  metrics: "https://grafana.example.internal/d/cell-service?var-cell={cell}&var-service={service}",
};

export interface TemplateVars {
  cell: string;
  region: string;
  tier: string;
  service?: string;
}

/** Fill {cell}, {region}, {tier}, {service}; values are URL-encoded when `url` is true. */
export function renderTemplate(tpl: string, vars: TemplateVars, url = false): string {
  return tpl.replace(/\{(cell|region|tier|service)\}/g, (m, k: keyof TemplateVars) => {
    const v = vars[k];
    if (v === undefined) return m;
    return url ? encodeURIComponent(v) : v;
  });
}
