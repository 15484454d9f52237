//! The kanban board of a pipeline: a column per stage with its count and total value, and
//! the first cards of each. Cards move by drag and drop (shown at once, rolled back with a
//! message if the server refuses), or with the small stage select + Move button on every
//! card, which is a plain form: it works from the keyboard and without JavaScript.

use leptos::ev::DragEvent;
use leptos::html::Select;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{board_url, days_text};
use crate::api::deals::get_board;
use crate::api::pipelines::list_pipelines;
use crate::domain::deal::{Board, DealCard, DealStatus};
use crate::domain::money;
use crate::domain::pipeline::{Stage, StageKind};
use crate::error::AppError;
use crate::ui::components::drag::{set_drop_effect, start_drag};
use crate::ui::components::pagination::list_url;
use crate::ui::components::{describe, use_url_error, ErrorBox};
use crate::ui::layout::use_me;
use crate::ui::pages::pipelines::pipeline_options;

#[component]
pub fn DealBoardPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let pipeline = Memo::new(move |_| query.with(|q| q.get("pipeline").and_then(|p| p.trim().parse::<i64>().ok())));
    let board = Resource::new(move || pipeline.get(), get_board);
    let can_move = me.can("deals", "edit");
    let can_create = me.can("deals", "create");
    let url_error = use_url_error("/api/deals/move");
    let list_href =
        move || list_url("/deals", &[("pipeline", pipeline.get().map(|p| p.to_string()).unwrap_or_default())]);
    view! {
        <Title text="Deal board" />
        <div class="page-header">
            <div>
                <h1>"Deal board"</h1>
                <p class="muted">"Drag a card to another stage, or use its Move button."</p>
            </div>
            <div class="actions">
                <PipelineSwitcher current=pipeline />
                <A href=list_href attr:class="button">"List"</A>
                {me.can("pipelines", "edit").then(|| view! { <A href="/pipelines" attr:class="button">"Pipelines"</A> })}
                {can_create.then(|| view! { <A href="/deals/new" attr:class="button primary">"New deal"</A> })}
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading the board…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(b) if b.columns.is_empty() => view! {
                        <div class="card empty">"This pipeline has no stages yet. "
                            <A href=format!("/pipelines/{}", b.pipeline.id)>"Add stages"</A>
                        </div>
                    }.into_any(),
                    Ok(b) => view! { <BoardView board=b can_move can_create url_error=url_error.get_untracked() /> }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A select of the organization's pipelines; the board follows the choice (a live GET form,
/// see `public/nav.js`).
#[component]
fn PipelineSwitcher(current: Memo<Option<i64>>) -> impl IntoView {
    let pipelines = Resource::new(|| (), |_| list_pipelines());
    view! {
        <form class="pipeline-switcher" method="get" action="/deals/board" data-live="">
            <label for="board-pipeline" class="sr-only">"Pipeline"</label>
            <select id="board-pipeline" name="pipeline">
                <Suspense fallback=|| ()>
                    {move || {
                        let chosen = current.get_untracked();
                        Suspend::new(async move { pipeline_options(pipelines.await.unwrap_or_default(), chosen) })
                    }}
                </Suspense>
            </select>
            <noscript><button type="submit" class="button">"Show"</button></noscript>
        </form>
    }
}

/// What the board's parts share: its state and what is going on.
#[derive(Clone, Copy)]
struct BoardCtx {
    board: RwSignal<Board>,
    /// The card being dragged.
    dragging: RwSignal<Option<i64>>,
    /// The column a card is dragged over.
    over: RwSignal<Option<i64>>,
    /// Cards whose move the server has not answered yet.
    pending: RwSignal<Vec<i64>>,
    /// The card whose stage select should get the focus when it appears (after a keyboard move).
    focus: RwSignal<Option<i64>>,
    move_card: Callback<(i64, i64)>,
    can_move: bool,
    /// `/deals/board?pipeline=…`, where the no-JavaScript move form comes back to.
    here: StoredValue<String>,
    /// Every stage: (id, name), for the move selects.
    stages: StoredValue<Vec<(i64, String)>>,
}

/// A line about the last move, for everyone (and screen readers).
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    error: bool,
    text: String,
}

#[island]
fn BoardView(board: Board, can_move: bool, can_create: bool, url_error: Option<AppError>) -> impl IntoView {
    let pipeline_id = board.pipeline.id;
    let here = StoredValue::new(board_url(Some(pipeline_id)));
    let stages = StoredValue::new(board.columns.iter().map(|c| (c.stage.id, c.stage.name.clone())).collect::<Vec<_>>());
    let columns: Vec<Stage> = board.columns.iter().map(|c| c.stage.clone()).collect();
    let board = RwSignal::new(board);
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(Vec::<i64>::new());

    let move_card = Callback::new(move |(card_id, to): (i64, i64)| {
        if pending.with_untracked(|p| p.contains(&card_id)) {
            return;
        }
        let Some(undo) = board.try_update(|b| apply_move(b, card_id, to, None)).flatten() else {
            return;
        };
        let stage_name = stages.with_value(|s| s.iter().find(|(id, _)| *id == to).map(|(_, n)| n.clone()));
        let stage_name = stage_name.unwrap_or_default();
        pending.update(|p| p.push(card_id));
        notice.set(Some(Notice { error: false, text: format!("Moving “{}” to {stage_name}…", undo.title) }));
        leptos::task::spawn_local(async move {
            let result = crate::api::deals::move_deal(card_id, to, None, None).await;
            pending.update(|p| p.retain(|id| *id != card_id));
            match result {
                Ok(deal) => {
                    board.update(|b| {
                        if let Some(card) =
                            b.columns.iter_mut().flat_map(|c| c.cards.iter_mut()).find(|c| c.id == card_id)
                        {
                            card.status = deal.status;
                            card.version = deal.version;
                        }
                    });
                    notice.set(Some(Notice {
                        error: false, text: format!("Moved “{}” to {stage_name}.", undo.title)
                    }));
                }
                Err(err) => {
                    board.update(|b| undo_move(b, card_id, &undo));
                    let text = format!(
                        "Could not move “{}” to {stage_name}: {} It is back in its column.",
                        undo.title,
                        sentence(&describe(&err))
                    );
                    notice.set(Some(Notice { error: true, text }));
                }
            }
        });
    });
    let ctx = BoardCtx {
        board,
        dragging: RwSignal::new(None),
        over: RwSignal::new(None),
        pending,
        focus: RwSignal::new(None),
        move_card,
        can_move,
        here,
        stages,
    };
    // `url_error`: a move refused to the plain Move form (without JavaScript), from the page's
    // address; shown until the next move.
    view! {
        {move || url_error.clone().filter(|_| notice.with(Option::is_none)).map(|err| view! {
            <div class="callout callout-error" role="alert">{format!("The deal was not moved: {}", sentence(&describe(&err)))}</div>
        })}
        <p class="board-notice" class:callout=move || notice.with(|n| n.as_ref().is_some_and(|n| n.error))
            class:callout-error=move || notice.with(|n| n.as_ref().is_some_and(|n| n.error))
            role="status" aria-live="polite">
            {move || notice.with(|n| n.as_ref().map(|n| n.text.clone()))}
        </p>
        <div class="board" aria-label="Stages">
            {columns.into_iter().map(|stage| view! { <Column stage ctx can_create pipeline_id /> }).collect_view()}
        </div>
    }
}

/// Ends a message with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

#[component]
fn Column(stage: Stage, ctx: BoardCtx, can_create: bool, pipeline_id: i64) -> impl IntoView {
    let stage_id = stage.id;
    let board = ctx.board;
    let currency = board.with_untracked(|b| b.currency.clone());
    let count =
        Memo::new(move |_| board.with(|b| b.columns.iter().find(|c| c.stage.id == stage_id).map_or(0, |c| c.count)));
    let total = Memo::new(move |_| {
        board.with(|b| {
            b.columns
                .iter()
                .find(|c| c.stage.id == stage_id)
                .map(|c| money::format(c.total_value, &currency))
                .unwrap_or_default()
        })
    });
    let cards = Memo::new(move |_| {
        board.with(|b| b.columns.iter().find(|c| c.stage.id == stage_id).map(|c| c.cards.clone()).unwrap_or_default())
    });
    let more = move || count.get() - cards.with(|c| c.len() as i64);
    let title_id = format!("stage-{stage_id}-title");
    let labelled_by = title_id.clone();
    let more_href = list_url("/deals", &[("pipeline", pipeline_id.to_string()), ("stage", stage_id.to_string())]);
    let new_href = format!("/deals/new?pipeline={pipeline_id}&stage={stage_id}");
    let kind = match stage.kind {
        StageKind::Open => None,
        StageKind::Won => Some("badge badge-green"),
        StageKind::Lost => Some("badge badge-red"),
    };
    view! {
        <section class="board-column" aria-labelledby=labelled_by
            class:drop-target=move || ctx.over.get() == Some(stage_id) && ctx.dragging.get().is_some()
            on:dragover=move |ev: DragEvent| {
                if ctx.dragging.get_untracked().is_some() {
                    ev.prevent_default();
                    set_drop_effect(&ev);
                    if ctx.over.get_untracked() != Some(stage_id) {
                        ctx.over.set(Some(stage_id));
                    }
                }
            }
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                if let Some(card) = ctx.dragging.get_untracked() {
                    ctx.move_card.run((card, stage_id));
                }
                ctx.dragging.set(None);
                ctx.over.set(None);
            }>
            <header class="board-column-head" style=format!("border-top-color: {}", stage.css_color())>
                <h2 id=title_id>
                    {stage.name.clone()}
                    {kind.map(|class| view! { " " <span class=class>{stage.kind.label()}</span> })}
                </h2>
                <p class="board-column-totals">
                    <span class="board-count">{move || match count.get() { 1 => "1 deal".to_owned(), n => format!("{n} deals") }}</span>
                    " · "
                    <span class="board-total">{total}</span>
                </p>
            </header>
            <ol class="board-cards">
                <For each=move || cards.get() key=|c| c.id let:card>
                    <Card card stage_id ctx />
                </For>
            </ol>
            {move || (more() > 0).then(|| view! { <a href=more_href.clone() class="board-more">{format!("+{} more", more())}</a> })}
            {can_create.then(|| view! { <a href=new_href class="board-add">"+ Add a deal"</a> })}
        </section>
    }
    // Erased: the board nests columns in cards in forms deeper than the compiler's type limit.
    .into_any()
}

#[component]
fn Card(card: DealCard, stage_id: i64, ctx: BoardCtx) -> impl IntoView {
    let id = card.id;
    let select = NodeRef::<Select>::new();
    let title_id = format!("deal-{id}-title");
    let labelled_by = title_id.clone();
    let select_id = format!("deal-{id}-stage");
    // After a keyboard move the card is drawn anew in its new column: give it the focus back.
    Effect::new(move |_| {
        if let Some(el) = select.get() {
            if ctx.focus.get_untracked() == Some(id) {
                ctx.focus.set(None);
                let _ = el.focus();
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(to) = select.get_untracked().and_then(|s| s.value().parse::<i64>().ok()) {
            if to != stage_id {
                ctx.focus.set(Some(id));
                ctx.move_card.run((id, to));
            }
        }
    };
    // Plain links: the board is an island, where there is no router for an `<A>`.
    let customer = card.customer_name.clone().map(|name| match card.customer_id {
        Some(cid) => view! { <a href=format!("/customers/{cid}")>{name}</a> }.into_any(),
        None => name.into_any(),
    });
    let status = (card.status != DealStatus::Open).then(|| {
        let class = if card.status == DealStatus::Won { "badge badge-green" } else { "badge badge-red" };
        view! { " " <span class=class>{card.status.label()}</span> }
    });
    let move_form = ctx.can_move.then(|| {
        view! {
            <form class="card-move" method="post" action="/api/deals/move" on:submit=on_submit>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="next" value=ctx.here.get_value() />
                <label class="sr-only" for=select_id.clone()>{format!("Stage of {}", card.title)}</label>
                <select id=select_id name="stage_id" node_ref=select>
                    {ctx.stages.get_value().into_iter().map(|(sid, name)| {
                        view! { <option value=sid.to_string() selected=sid == stage_id>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button small">"Move"</button>
            </form>
        }
    });
    view! {
        <li class="deal-card" aria-labelledby=labelled_by
            draggable=ctx.can_move.then_some("true")
            class:dragging=move || ctx.dragging.get() == Some(id)
            class:pending=move || ctx.pending.with(|p| p.contains(&id))
            aria-busy=move || ctx.pending.with(|p| p.contains(&id)).then_some("true")
            on:dragstart=move |ev: DragEvent| {
                start_drag(&ev, id);
                ctx.dragging.set(Some(id));
            }
            on:dragend=move |_| {
                ctx.dragging.set(None);
                ctx.over.set(None);
            }>
            <h3 class="deal-card-title" id=title_id><a href=format!("/deals/{id}")>{card.title.clone()}</a>{status}</h3>
            {customer.map(|c| view! { <p class="deal-card-customer">{c}</p> })}
            <p class="deal-card-meta">
                <span class="deal-card-value">{money::format(card.value, &ctx.board.with_untracked(|b| b.currency.clone()))}</span>
                <span class="deal-card-owner">{card.assigned_to_name.clone().unwrap_or_else(|| "Unassigned".into())}</span>
            </p>
            <p class="deal-card-days">{days_text(card.days_in_stage)}</p>
            {move_form}
        </li>
    }
    .into_any()
}

/// Where a card was before a move, to put it back if the server refuses the move.
#[derive(Debug, Clone, PartialEq)]
struct Undo {
    title: String,
    from: i64,
    index: usize,
    days_in_stage: i64,
    status: DealStatus,
}

/// Moves a card to the end of the column of stage `to` (or to `at`), keeping the counts and
/// totals right. `None` when the card is not on the board or already in that column.
fn apply_move(board: &mut Board, card_id: i64, to: i64, at: Option<usize>) -> Option<Undo> {
    let from_col = board.columns.iter().position(|c| c.cards.iter().any(|d| d.id == card_id))?;
    let to_col = board.columns.iter().position(|c| c.stage.id == to)?;
    if from_col == to_col {
        return None;
    }
    let index = board.columns[from_col].cards.iter().position(|d| d.id == card_id)?;
    let mut card = board.columns[from_col].cards.remove(index);
    let source = &mut board.columns[from_col];
    source.count -= 1;
    source.total_value -= card.value;
    let undo = Undo {
        title: card.title.clone(),
        from: source.stage.id,
        index,
        days_in_stage: card.days_in_stage,
        status: card.status,
    };
    let target = &mut board.columns[to_col];
    target.count += 1;
    target.total_value += card.value;
    card.days_in_stage = 0;
    card.status = match target.stage.kind {
        StageKind::Open => DealStatus::Open,
        StageKind::Won => DealStatus::Won,
        StageKind::Lost => DealStatus::Lost,
    };
    let at = at.unwrap_or(target.cards.len()).min(target.cards.len());
    target.cards.insert(at, card);
    Some(undo)
}

/// Puts a card back where [`apply_move`] took it from.
fn undo_move(board: &mut Board, card_id: i64, undo: &Undo) {
    apply_move(board, card_id, undo.from, Some(undo.index));
    if let Some(card) = board.columns.iter_mut().flat_map(|c| c.cards.iter_mut()).find(|c| c.id == card_id) {
        card.days_in_stage = undo.days_in_stage;
        card.status = undo.status;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deal::BoardColumn;
    use crate::domain::pipeline::Pipeline;
    use rust_decimal::Decimal;

    fn card(id: i64, value: i64) -> DealCard {
        DealCard {
            id,
            title: format!("Deal {id}"),
            customer_id: None,
            customer_name: None,
            value: Decimal::from(value),
            assigned_to_name: None,
            status: DealStatus::Open,
            days_in_stage: 5,
            version: 1,
        }
    }

    fn column(id: i64, kind: StageKind, cards: Vec<DealCard>, hidden: i64) -> BoardColumn {
        let stage = Stage {
            id,
            pipeline_id: 1,
            name: format!("Stage {id}"),
            position: id,
            probability: 10,
            kind,
            color: "#000000".into(),
        };
        let total = cards.iter().map(|c| c.value).sum::<Decimal>() + Decimal::from(hidden * 100);
        BoardColumn { stage, count: cards.len() as i64 + hidden, total_value: total, cards }
    }

    fn board() -> Board {
        let now = chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap();
        Board {
            pipeline: Pipeline {
                id: 1,
                name: "Sales".into(),
                description: None,
                is_default: true,
                is_active: true,
                stages: vec![],
                created_at: now,
                updated_at: now,
            },
            currency: "USD".into(),
            columns: vec![
                column(10, StageKind::Open, vec![card(1, 100), card(2, 250)], 3),
                column(20, StageKind::Won, vec![card(3, 40)], 0),
            ],
        }
    }

    #[test]
    fn a_move_updates_counts_and_totals_and_undo_restores_everything() {
        let before = board();
        let mut b = before.clone();
        let undo = apply_move(&mut b, 1, 20, None).unwrap();
        assert_eq!((b.columns[0].count, b.columns[0].total_value), (4, Decimal::from(550)));
        assert_eq!((b.columns[1].count, b.columns[1].total_value), (2, Decimal::from(140)));
        let moved = &b.columns[1].cards[1];
        assert_eq!((moved.id, moved.days_in_stage, moved.status), (1, 0, DealStatus::Won));
        undo_move(&mut b, 1, &undo);
        assert_eq!(b, before);
    }

    #[test]
    fn moving_within_a_column_or_an_unknown_card_does_nothing() {
        let mut b = board();
        assert!(apply_move(&mut b, 1, 10, None).is_none());
        assert!(apply_move(&mut b, 99, 20, None).is_none());
        assert!(apply_move(&mut b, 1, 99, None).is_none());
        assert_eq!(b, board());
    }

    #[test]
    fn messages_end_with_a_full_stop() {
        assert_eq!(sentence("stage id is not a stage of this pipeline"), "stage id is not a stage of this pipeline.");
        assert_eq!(sentence("Done."), "Done.");
    }
}
