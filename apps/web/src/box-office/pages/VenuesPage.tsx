import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ChangeEvent } from 'react';
import {
  generateVenue,
  parseSeatMap,
  seatMapStats,
  type GenerateSectionOptions,
  type Issue,
  type SeatMapDocument,
  type VenueDto,
} from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { buildModel } from '../../seatmap/model.ts';
import { SeatStore } from '../../seatmap/store.ts';
import { SeatMapView } from '../../seatmap/SeatMapView.tsx';
import { FREE } from '../../seatmap/states.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, StaffQuery, SuccessNote, formatCount, useAction } from '../ui.tsx';

/** A read-only drawing of a document that passed validation: what buyers will see, all seats available. */
function Preview({ doc }: { doc: SeatMapDocument }) {
  const store = useMemo(() => {
    const s = new SeatStore(buildModel(doc), 'preview');
    s.setStates(
      Array.from({ length: s.model.count }, (_, i) => i),
      FREE,
    );
    return s;
  }, [doc]);
  const stats = seatMapStats(doc);
  return (
    <div className="bo-preview" data-testid="venue-preview">
      <p>
        <strong>{doc.name}</strong> — {formatCount(stats.seats)} seats in {stats.sections} section
        {stats.sections === 1 ? '' : 's'}, {stats.rows} rows
        {stats.gaZones > 0
          ? `, ${stats.gaZones} standing zone${stats.gaZones === 1 ? '' : 's'} (${formatCount(stats.gaCapacity)} places)`
          : ''}
        {stats.wheelchair > 0 ? `, ${stats.wheelchair} wheelchair spaces` : ''}.
      </p>
      <div className="bo-preview-map">
        <SeatMapView
          store={store}
          onSeat={() => undefined}
          tooltip={(i) => store.model.labels[i]}
          describe={(i) => store.model.labels[i] ?? ''}
          label={`Preview of ${doc.name}`}
        />
      </div>
    </div>
  );
}

interface SectionRecipe {
  key: string;
  name: string;
  shape: 'rect' | 'arc';
  rows: number;
  seatsPerRow: number;
  category: string;
}

interface Recipe {
  name: string;
  slug: string;
  categories: Array<{ key: string; name: string; color: string }>;
  sections: SectionRecipe[];
  ga: { enabled: boolean; key: string; name: string; capacity: number; category: string };
}

const START: Recipe = {
  name: 'New Hall',
  slug: 'new-hall',
  categories: [
    { key: 'premium', name: 'Premium', color: '#c2410c' },
    { key: 'standard', name: 'Standard', color: '#2563eb' },
  ],
  sections: [
    { key: 'STALLS', name: 'Stalls', shape: 'rect', rows: 10, seatsPerRow: 20, category: 'standard' },
    { key: 'CIRCLE', name: 'Circle', shape: 'arc', rows: 5, seatsPerRow: 18, category: 'premium' },
  ],
  ga: { enabled: false, key: 'FLOOR', name: 'Standing floor', capacity: 200, category: 'standard' },
};

/**
 * Lays the recipe's sections out without overlaps: rectangles side by side under the stage, arcs as rings around
 * it, behind the rectangles. The shared generator does the seats; the document still goes through validation.
 */
function generate(r: Recipe): SeatMapDocument {
  const pitch = 24;
  const widths = r.sections.map((s) => s.seatsPerRow * pitch);
  const rectTotal = r.sections.reduce((n, s, i) => n + (s.shape === 'rect' ? widths[i]! + 48 : 0), 0);
  const centreX = Math.max(rectTotal, 400) / 2;
  let x = 0;
  let radius =
    140 + Math.max(0, ...r.sections.filter((s) => s.shape === 'rect').map((s) => s.rows * 28)) + 40;
  const sections: GenerateSectionOptions[] = r.sections.map((s, i) => {
    if (s.shape === 'rect') {
      const origin = { x, y: 120 };
      x += widths[i]! + 48;
      return {
        key: s.key,
        name: s.name,
        shape: 'rect',
        rows: s.rows,
        seatsPerRow: s.seatsPerRow,
        category: s.category,
        origin,
      };
    }
    const sweep = Math.min(170, ((s.seatsPerRow * pitch) / radius) * (180 / Math.PI));
    const section: GenerateSectionOptions = {
      key: s.key,
      name: s.name,
      shape: 'arc',
      rows: s.rows,
      seatsPerRow: s.seatsPerRow,
      category: s.category,
      origin: { x: centreX, y: 0 },
      radius,
      angle: { centre: 0, sweep },
    };
    radius += s.rows * 28 + 40;
    return section;
  });
  return generateVenue({
    name: r.name,
    slug: r.slug,
    categories: r.categories,
    sections,
    gaZones: r.ga.enabled
      ? [{ key: r.ga.key, name: r.ga.name, capacity: r.ga.capacity, category: r.ga.category }]
      : [],
    stage: { x: centreX - 150, y: 10, width: 300, height: 50, label: 'Stage' },
  });
}

function Generator({ onGenerate }: { onGenerate: (json: string) => void }) {
  const [r, setR] = useState<Recipe>(START);
  const [error, setError] = useState<string | null>(null);
  const setSection = (i: number, patch: Partial<SectionRecipe>) =>
    setR((v) => ({ ...v, sections: v.sections.map((s, n) => (n === i ? { ...s, ...patch } : s)) }));
  const setCategory = (i: number, patch: Partial<Recipe['categories'][number]>) =>
    setR((v) => ({ ...v, categories: v.categories.map((c, n) => (n === i ? { ...c, ...patch } : c)) }));
  const num = (e: ChangeEvent<HTMLInputElement>) => Math.max(1, Math.floor(Number(e.target.value) || 1));

  return (
    <fieldset className="bo-card bo-subcard">
      <legend>Generate sections</legend>
      <div className="bo-row">
        <Field label="Venue name">
          <input value={r.name} onChange={(e) => setR({ ...r, name: e.target.value })} />
        </Field>
        <Field label="Slug">
          <input value={r.slug} onChange={(e) => setR({ ...r, slug: e.target.value })} />
        </Field>
      </div>
      <h4>Price categories</h4>
      {r.categories.map((c, i) => (
        <div className="bo-row" key={i}>
          <Field label={`Category ${i + 1} key`}>
            <input value={c.key} onChange={(e) => setCategory(i, { key: e.target.value })} />
          </Field>
          <Field label={`Category ${i + 1} name`}>
            <input value={c.name} onChange={(e) => setCategory(i, { name: e.target.value })} />
          </Field>
          <Field label={`Category ${i + 1} colour`}>
            <input type="color" value={c.color} onChange={(e) => setCategory(i, { color: e.target.value })} />
          </Field>
        </div>
      ))}
      <button
        type="button"
        className="bo-btn bo-btn-small"
        onClick={() =>
          setR({
            ...r,
            categories: [
              ...r.categories,
              { key: `cat${r.categories.length + 1}`, name: 'New', color: '#15803d' },
            ],
          })
        }
      >
        Add category
      </button>
      <h4>Sections</h4>
      {r.sections.map((s, i) => (
        <div className="bo-row bo-row-section" key={i}>
          <Field label={`Section ${i + 1} key`}>
            <input value={s.key} onChange={(e) => setSection(i, { key: e.target.value })} />
          </Field>
          <Field label={`Section ${i + 1} name`}>
            <input value={s.name} onChange={(e) => setSection(i, { name: e.target.value })} />
          </Field>
          <Field label={`Section ${i + 1} shape`}>
            <select
              value={s.shape}
              onChange={(e) => setSection(i, { shape: e.target.value as 'rect' | 'arc' })}
            >
              <option value="rect">Rectangle</option>
              <option value="arc">Arc</option>
            </select>
          </Field>
          <Field label={`Section ${i + 1} rows`}>
            <input
              type="number"
              min={1}
              max={500}
              value={s.rows}
              onChange={(e) => setSection(i, { rows: num(e) })}
            />
          </Field>
          <Field label={`Section ${i + 1} seats per row`}>
            <input
              type="number"
              min={1}
              max={2000}
              value={s.seatsPerRow}
              onChange={(e) => setSection(i, { seatsPerRow: num(e) })}
            />
          </Field>
          <Field label={`Section ${i + 1} category`}>
            <select value={s.category} onChange={(e) => setSection(i, { category: e.target.value })}>
              {r.categories.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="button"
            className="bo-btn bo-btn-small bo-btn-quiet"
            onClick={() => setR({ ...r, sections: r.sections.filter((_, n) => n !== i) })}
            aria-label={`Remove section ${i + 1}`}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="bo-btn bo-btn-small"
        onClick={() =>
          setR({
            ...r,
            sections: [
              ...r.sections,
              {
                key: `S${r.sections.length + 1}`,
                name: `Section ${r.sections.length + 1}`,
                shape: 'rect',
                rows: 5,
                seatsPerRow: 10,
                category: r.categories[0]?.key ?? '',
              },
            ],
          })
        }
      >
        Add section
      </button>
      <h4>Standing zone</h4>
      <label className="bo-check">
        <input
          type="checkbox"
          checked={r.ga.enabled}
          onChange={(e) => setR({ ...r, ga: { ...r.ga, enabled: e.target.checked } })}
        />{' '}
        Add a general-admission zone
      </label>
      {r.ga.enabled && (
        <div className="bo-row">
          <Field label="Zone key">
            <input value={r.ga.key} onChange={(e) => setR({ ...r, ga: { ...r.ga, key: e.target.value } })} />
          </Field>
          <Field label="Zone name">
            <input
              value={r.ga.name}
              onChange={(e) => setR({ ...r, ga: { ...r.ga, name: e.target.value } })}
            />
          </Field>
          <Field label="Capacity">
            <input
              type="number"
              min={1}
              value={r.ga.capacity}
              onChange={(e) => setR({ ...r, ga: { ...r.ga, capacity: num(e) } })}
            />
          </Field>
          <Field label="Zone category">
            <select
              value={r.ga.category}
              onChange={(e) => setR({ ...r, ga: { ...r.ga, category: e.target.value } })}
            >
              {r.categories.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
      {error && (
        <p className="bo-bad" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="bo-btn bo-btn-primary"
        onClick={() => {
          try {
            setError(null);
            onGenerate(JSON.stringify(generate(r), null, 2));
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
        }}
      >
        Generate document
      </button>
    </fieldset>
  );
}

type Parsed =
  | { kind: 'empty' }
  | { kind: 'json_error'; message: string }
  | { kind: 'invalid'; issues: Issue[] }
  | { kind: 'ok'; doc: SeatMapDocument; raw: unknown };

function parse(text: string): Parsed {
  if (!text.trim()) return { kind: 'empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'json_error', message: e instanceof Error ? e.message : 'Not JSON' };
  }
  const r = parseSeatMap(raw);
  return r.ok ? { kind: 'ok', doc: r.doc, raw } : { kind: 'invalid', issues: r.issues };
}

/** Upload, paste or generate a seat-map document; see every validation problem with its path; preview; save. */
function VenueEditor({ target, onSaved }: { target: VenueDto | null; onSaved: (v: VenueDto) => void }) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'upload' | 'generate'>('upload');
  const parsed = useMemo(() => parse(text), [text]);
  const save = useAction(
    async () => {
      if (parsed.kind !== 'ok' && parsed.kind !== 'invalid') return;
      // Send what the person wrote, even when our check found problems: the server's answer is the authority.
      const raw = JSON.parse(text) as unknown;
      const v = target ? await staffApi.replaceLayout(target.id, raw) : await staffApi.createVenue(raw);
      onSaved(v);
      setText('');
    },
    { invalidate: [queryKeys.staff.venues, queryKeys.staff.home, queryKeys.staff.schedule] },
  );

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void file.text().then(setText);
  };

  return (
    <section className="bo-card" aria-labelledby="bo-venue-editor">
      <h2 id="bo-venue-editor" className="bo-card-title">
        {target ? `Replace the layout of ${target.name}` : 'New venue'}
      </h2>
      <div className="bo-tabs" role="group" aria-label="How to make the document">
        <button
          type="button"
          aria-pressed={mode === 'upload'}
          className="bo-btn bo-btn-small"
          onClick={() => setMode('upload')}
        >
          Upload or paste JSON
        </button>
        <button
          type="button"
          aria-pressed={mode === 'generate'}
          className="bo-btn bo-btn-small"
          onClick={() => setMode('generate')}
        >
          Generate sections
        </button>
      </div>
      {mode === 'upload' ? (
        <Field label="Seat-map file" hint="A JSON document in the seat-map format (docs/seat-map-format.md)">
          <input type="file" accept="application/json,.json" onChange={onFile} />
        </Field>
      ) : (
        <Generator
          onGenerate={(json) => {
            setText(json);
          }}
        />
      )}
      <Field label="Seat-map document (JSON)">
        <textarea
          className="bo-code"
          rows={12}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="seatmap-json"
        />
      </Field>
      <div aria-live="polite">
        {parsed.kind === 'json_error' && (
          <div className="bo-note bo-note-error" data-testid="seatmap-issues">
            <p>This is not valid JSON: {parsed.message}</p>
          </div>
        )}
        {parsed.kind === 'invalid' && (
          <div className="bo-note bo-note-error" data-testid="seatmap-issues">
            <p className="bo-note-title">
              {parsed.issues.length === 1 ? '1 problem' : `${parsed.issues.length} problems`} in the document
            </p>
            <ul className="bo-issues">
              {parsed.issues.slice(0, 100).map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code> <span>{i.message}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {parsed.kind === 'ok' && <Preview doc={parsed.doc} />}
      {save.error !== null && <ErrorNote error={save.error} title="The server refused the document" />}
      <button
        type="button"
        className="bo-btn bo-btn-primary"
        disabled={save.pending || (parsed.kind !== 'ok' && parsed.kind !== 'invalid')}
        onClick={() => void save.run()}
      >
        {target ? 'Replace layout' : 'Create venue'}
      </button>
    </section>
  );
}

export function VenuesPage() {
  const [target, setTarget] = useState<VenueDto | null>(null);
  const [saved, setSaved] = useState<VenueDto | null>(null);
  const venues = useQuery({
    queryKey: queryKeys.staff.venues,
    queryFn: ({ signal }) => staffApi.venues(signal),
  });

  return (
    <section>
      <PageHeader title="Venues" />
      {saved && (
        <SuccessNote>
          Saved {saved.name} (layout version {saved.layoutVersion}).
        </SuccessNote>
      )}
      <StaffQuery query={venues}>
        {(data) => (
          <table className="bo-table" aria-label="Venues">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col" className="bo-num">
                  Seats
                </th>
                <th scope="col" className="bo-num">
                  Standing
                </th>
                <th scope="col">Categories</th>
                <th scope="col" className="bo-num">
                  Layout
                </th>
                <th scope="col">
                  <span className="bo-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.venues.map((v) => (
                <tr key={v.id}>
                  <td>{v.name}</td>
                  <td>
                    <code>{v.slug}</code>
                  </td>
                  <td className="bo-num">{formatCount(v.stats.seats)}</td>
                  <td className="bo-num">{formatCount(v.stats.gaCapacity)}</td>
                  <td>
                    {v.categories.map((c) => (
                      <span key={c.key} className="bo-cat">
                        <span className="bo-swatch" style={{ background: c.color }} aria-hidden="true" />{' '}
                        {c.name}
                      </span>
                    ))}
                  </td>
                  <td className="bo-num">v{v.layoutVersion}</td>
                  <td>
                    <button type="button" className="bo-btn bo-btn-small" onClick={() => setTarget(v)}>
                      Replace layout
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </StaffQuery>
      {target && (
        <p>
          <button type="button" className="bo-btn bo-btn-quiet" onClick={() => setTarget(null)}>
            Create a new venue instead
          </button>
        </p>
      )}
      <VenueEditor
        key={target?.id ?? 'new'}
        target={target}
        onSaved={(v) => {
          setSaved(v);
          setTarget(null);
        }}
      />
    </section>
  );
}

export default VenuesPage;
