// The recharts part of the dashboard, loaded after hydration so the page's first JavaScript stays small.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes } from '#app/lib/format.js';

const axis = { stroke: 'var(--muted)', fontSize: 12 };
const tooltip = { contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)' } };

export function ByTypeBars({ data }: { data: Array<{ type: string; bytes: number }> }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
        <XAxis type="number" tickFormatter={(v: number) => formatBytes(v)} {...axis} />
        <YAxis type="category" dataKey="type" width={80} {...axis} />
        <Tooltip formatter={(v) => formatBytes(Number(v))} {...tooltip} />
        <Bar dataKey="bytes" name="Stored" fill="var(--accent)" radius={[0, 4, 4, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function TrendArea({ data }: { data: Array<{ date: string; storedBytes: number }> }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={data} margin={{ left: 8, right: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} minTickGap={24} {...axis} />
        <YAxis tickFormatter={(v: number) => formatBytes(v)} width={72} {...axis} />
        <Tooltip formatter={(v) => formatBytes(Number(v))} {...tooltip} />
        <Area type="monotone" dataKey="storedBytes" name="Stored" stroke="var(--accent)" fill="var(--accent)" fillOpacity={0.18} isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
