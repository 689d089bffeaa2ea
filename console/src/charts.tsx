/** Hand-drawn SVG charts (no chart library): a line chart, a bar chart and a horizontal funnel. Each has a text title for screen readers. */
const W = 640;
const H = 220;
const PAD = { left: 64, right: 16, top: 12, bottom: 28 };

interface Series {
  labels: string[];
  values: number[];
  format(v: number): string;
  title: string;
}

function scale(values: number[]) {
  const max = Math.max(1, ...values);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (values.length <= 1 ? innerW / 2 : (i * innerW) / (values.length - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  return { max, x, y, innerW, innerH };
}

function Axes({ max, format, labels, x }: { max: number; format(v: number): string; labels: string[]; x(i: number): number }) {
  const ticks = [0, 0.5, 1].map((f) => f * max);
  const step = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <g class="axes">
      {ticks.map((v) => {
        const y = PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
        return (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} class="grid" />
            <text x={PAD.left - 6} y={y + 4} text-anchor="end">
              {format(v)}
            </text>
          </g>
        );
      })}
      {labels.map((label, i) =>
        i % step === 0 ? (
          <text key={label} x={x(i)} y={H - 8} text-anchor="middle">
            {label.slice(5)}
          </text>
        ) : null,
      )}
    </g>
  );
}

export function LineChart({ labels, values, format, title }: Series) {
  const s = scale(values);
  const points = values.map((v, i) => `${s.x(i).toFixed(1)},${s.y(v).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} class="chart">
      <title>{title}</title>
      <Axes max={s.max} format={format} labels={labels} x={s.x} />
      <polyline points={points} class="line" fill="none" />
      {values.map((v, i) => (
        <circle key={i} cx={s.x(i)} cy={s.y(v)} r={3} class="dot">
          <title>{`${labels[i]}: ${format(v)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

export function BarChart({ labels, values, format, title }: Series) {
  const s = scale(values);
  const band = s.innerW / Math.max(1, values.length);
  const x = (i: number) => PAD.left + band * i + band / 2;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} class="chart">
      <title>{title}</title>
      <Axes max={s.max} format={format} labels={labels} x={x} />
      {values.map((v, i) => (
        <rect key={i} x={x(i) - band * 0.35} width={band * 0.7} y={s.y(v)} height={Math.max(0, H - PAD.bottom - s.y(v))} class="bar">
          <title>{`${labels[i]}: ${format(v)}`}</title>
        </rect>
      ))}
    </svg>
  );
}

export function Funnel({ steps, title }: { steps: Array<{ label: string; value: number; text: string }>; title: string }) {
  const max = Math.max(1, ...steps.map((s) => s.value));
  const rowH = 36;
  const height = steps.length * rowH + 8;
  return (
    <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={title} class="chart funnel">
      <title>{title}</title>
      {steps.map((step, i) => {
        const width = ((W - 220) * step.value) / max;
        return (
          <g key={step.label}>
            <text x={0} y={i * rowH + 24}>
              {step.label}
            </text>
            <rect x={140 + (W - 220 - width) / 2} y={i * rowH + 6} width={Math.max(2, width)} height={rowH - 10} class="bar" />
            <text x={W - 4} y={i * rowH + 24} text-anchor="end">
              {step.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
