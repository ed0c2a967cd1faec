import { useQuery } from '@tanstack/react-query';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState, type ChangeEvent } from 'react';
import { useFieldArray, useForm, useWatch, type FieldError } from 'react-hook-form';
import { z } from 'zod';
import {
  generateVenue,
  categorySchema,
  generatorLimitsSchema,
  MAX_GA_CAPACITY,
  MAX_ROWS_PER_SECTION,
  MAX_SEATS_PER_ROW,
  parseSeatMap,
  seatMapKeySchema,
  seatMapStats,
  type GenerateSectionOptions,
  type Issue,
  type SeatMapDocument,
  type VenueDto,
  venueSlugSchema,
} from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { buildModel } from '../../seatmap/model.ts';
import { SeatStore } from '../../seatmap/store.ts';
import { SeatMapView } from '../../seatmap/SeatMapView.tsx';
import { FREE } from '../../seatmap/states.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, StaffQuery, SuccessNote, formatCount, useAction } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

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

/** A typed size, by the generator's shared limits: whole numbers only ("-3" is refused, never made 1). */
const sizeText = (field: keyof typeof generatorLimitsSchema.shape) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'Give a whole number.')
    .transform(Number)
    .pipe(generatorLimitsSchema.shape[field]);

const nameText = z.string().trim().min(1, 'Give it a name.').max(80, 'Use at most 80 characters.');

/**
 * The generator's form, checked with the seat-map format's own rules (shared keys, slug, category and size
 * limits) before anything is generated. Sizes are typed text until they pass.
 */
const recipeSchema = z.object({
  name: z.string().trim().min(1, 'Give the venue a name.').max(120, 'Use at most 120 characters.'),
  slug: venueSlugSchema,
  categories: z.array(categorySchema).min(1, 'Add at least one price category.'),
  sections: z
    .array(
      z.object({
        key: seatMapKeySchema,
        name: nameText,
        shape: z.enum(['rect', 'arc']),
        rows: sizeText('rows'),
        seatsPerRow: sizeText('seatsPerRow'),
        category: seatMapKeySchema,
      }),
    )
    .min(1, 'Add at least one section.'),
  ga: z.discriminatedUnion('enabled', [
    z.object({
      enabled: z.literal(false),
      key: z.string(),
      name: z.string(),
      capacity: z.string(),
      category: z.string(),
    }),
    z.object({
      enabled: z.literal(true),
      key: seatMapKeySchema,
      name: nameText,
      capacity: sizeText('capacity'),
      category: seatMapKeySchema,
    }),
  ]),
});

type Recipe = z.input<typeof recipeSchema>;
type CheckedRecipe = z.output<typeof recipeSchema>;

const START: Recipe = {
  name: 'New Hall',
  slug: 'new-hall',
  categories: [
    { key: 'premium', name: 'Premium', color: '#c2410c' },
    { key: 'standard', name: 'Standard', color: '#2563eb' },
  ],
  sections: [
    { key: 'STALLS', name: 'Stalls', shape: 'rect', rows: '10', seatsPerRow: '20', category: 'standard' },
    { key: 'CIRCLE', name: 'Circle', shape: 'arc', rows: '5', seatsPerRow: '18', category: 'premium' },
  ],
  ga: { enabled: false, key: 'FLOOR', name: 'Standing floor', capacity: '200', category: 'standard' },
};

/**
 * Lays the recipe's sections out without overlaps: rectangles side by side under the stage, arcs as rings around
 * it, behind the rectangles. The shared generator does the seats; the document still goes through validation.
 */
function generate(r: CheckedRecipe): SeatMapDocument {
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

/** A whole list's problem ("Add at least one section."): where the zod resolver puts it, or the field array. */
function listError(e: { root?: FieldError; message?: unknown } | undefined): string | undefined {
  const message = e?.root?.message ?? e?.message;
  return typeof message === 'string' ? message : undefined;
}

function Generator({ onGenerate }: { onGenerate: (json: string) => void }) {
  const form = useForm<Recipe, unknown, CheckedRecipe>({
    resolver: zodResolver(recipeSchema),
    defaultValues: START,
  });
  const { register, control } = form;
  const { errors } = form.formState;
  const categoryRows = useFieldArray({ control, name: 'categories' });
  const sectionRows = useFieldArray({ control, name: 'sections' });
  const [categories, gaEnabled] = useWatch({ control, name: ['categories', 'ga.enabled'] });
  const [error, setError] = useState<string | null>(null);
  const gaErrors = errors.ga;
  const invalid = (e: FieldError | undefined) => (e ? true : undefined);
  const categoryOptions = categories.map((c) => (
    <option key={c.key} value={c.key}>
      {c.name}
    </option>
  ));

  const run = form.handleSubmit((recipe) => {
    try {
      setError(null);
      onGenerate(JSON.stringify(generate(recipe), null, 2));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  });

  return (
    <fieldset className="bo-card bo-subcard">
      <legend>Generate sections</legend>
      <div className="bo-row">
        <Field label="Venue name" error={errors.name?.message}>
          <input aria-invalid={invalid(errors.name)} {...register('name')} />
        </Field>
        <Field label="Slug" error={errors.slug?.message}>
          <input aria-invalid={invalid(errors.slug)} {...register('slug')} />
        </Field>
      </div>
      <h4>Price categories</h4>
      {categoryRows.fields.map((row, i) => {
        const e = errors.categories?.[i];
        return (
          <div className="bo-row" key={row.id}>
            <Field label={`Category ${i + 1} key`} error={e?.key?.message}>
              <input aria-invalid={invalid(e?.key)} {...register(`categories.${i}.key`)} />
            </Field>
            <Field label={`Category ${i + 1} name`} error={e?.name?.message}>
              <input aria-invalid={invalid(e?.name)} {...register(`categories.${i}.name`)} />
            </Field>
            <Field label={`Category ${i + 1} colour`} error={e?.color?.message}>
              <input type="color" {...register(`categories.${i}.color`)} />
            </Field>
          </div>
        );
      })}
      {listError(errors.categories) && (
        <p className="bo-bad" role="alert">
          {listError(errors.categories)}
        </p>
      )}
      <button
        type="button"
        className="bo-btn bo-btn-small"
        onClick={() =>
          categoryRows.append({
            key: `cat${categoryRows.fields.length + 1}`,
            name: 'New',
            color: '#15803d',
          })
        }
      >
        Add category
      </button>
      <h4>Sections</h4>
      {sectionRows.fields.map((row, i) => {
        const e = errors.sections?.[i];
        return (
          <div className="bo-row bo-row-section" key={row.id}>
            <Field label={`Section ${i + 1} key`} error={e?.key?.message}>
              <input aria-invalid={invalid(e?.key)} {...register(`sections.${i}.key`)} />
            </Field>
            <Field label={`Section ${i + 1} name`} error={e?.name?.message}>
              <input aria-invalid={invalid(e?.name)} {...register(`sections.${i}.name`)} />
            </Field>
            <Field label={`Section ${i + 1} shape`}>
              <select {...register(`sections.${i}.shape`)}>
                <option value="rect">Rectangle</option>
                <option value="arc">Arc</option>
              </select>
            </Field>
            <Field label={`Section ${i + 1} rows`} error={e?.rows?.message}>
              <input
                type="number"
                min={1}
                max={MAX_ROWS_PER_SECTION}
                aria-invalid={invalid(e?.rows)}
                {...register(`sections.${i}.rows`)}
              />
            </Field>
            <Field label={`Section ${i + 1} seats per row`} error={e?.seatsPerRow?.message}>
              <input
                type="number"
                min={1}
                max={MAX_SEATS_PER_ROW}
                aria-invalid={invalid(e?.seatsPerRow)}
                {...register(`sections.${i}.seatsPerRow`)}
              />
            </Field>
            <Field label={`Section ${i + 1} category`} error={e?.category?.message}>
              <select {...register(`sections.${i}.category`)}>{categoryOptions}</select>
            </Field>
            <button
              type="button"
              className="bo-btn bo-btn-small bo-btn-quiet"
              onClick={() => sectionRows.remove(i)}
              aria-label={`Remove section ${i + 1}`}
            >
              Remove
            </button>
          </div>
        );
      })}
      {listError(errors.sections) && (
        <p className="bo-bad" role="alert">
          {listError(errors.sections)}
        </p>
      )}
      <button
        type="button"
        className="bo-btn bo-btn-small"
        onClick={() =>
          sectionRows.append({
            key: `S${sectionRows.fields.length + 1}`,
            name: `Section ${sectionRows.fields.length + 1}`,
            shape: 'rect',
            rows: '5',
            seatsPerRow: '10',
            category: categories[0]?.key ?? '',
          })
        }
      >
        Add section
      </button>
      <h4>Standing zone</h4>
      <label className="bo-check">
        <input type="checkbox" {...register('ga.enabled')} /> Add a general-admission zone
      </label>
      {gaEnabled && (
        <div className="bo-row">
          <Field label="Zone key" error={gaErrors?.key?.message}>
            <input aria-invalid={invalid(gaErrors?.key)} {...register('ga.key')} />
          </Field>
          <Field label="Zone name" error={gaErrors?.name?.message}>
            <input aria-invalid={invalid(gaErrors?.name)} {...register('ga.name')} />
          </Field>
          <Field label="Capacity" error={gaErrors?.capacity?.message}>
            <input
              type="number"
              min={1}
              max={MAX_GA_CAPACITY}
              aria-invalid={invalid(gaErrors?.capacity)}
              {...register('ga.capacity')}
            />
          </Field>
          <Field label="Zone category" error={gaErrors?.category?.message}>
            <select {...register('ga.category')}>{categoryOptions}</select>
          </Field>
        </div>
      )}
      {error && (
        <p className="bo-bad" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="bo-btn bo-btn-primary" onClick={() => void run()}>
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
      // The browser checks with the server's own schema (parseSeatMap): a document it finds problems in is
      // not sent, the problems are listed above the button instead.
      if (parsed.kind !== 'ok') return;
      const raw = parsed.raw;
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
        disabled={save.pending || parsed.kind !== 'ok'}
        aria-describedby={parsed.kind === 'ok' || parsed.kind === 'empty' ? undefined : 'bo-venue-blocked'}
        onClick={() => void save.run()}
      >
        {target ? 'Replace layout' : 'Create venue'}
      </button>
      {parsed.kind !== 'ok' && parsed.kind !== 'empty' && (
        <p id="bo-venue-blocked" className="bo-hint">
          Fix the problems listed above first.
        </p>
      )}
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
          <ListTable
            label="Venues"
            columns={[
              'Name',
              'Slug',
              { label: 'Seats', num: true },
              { label: 'Standing', num: true },
              'Categories',
              { label: 'Layout', num: true },
            ]}
            actions
          >
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
          </ListTable>
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
