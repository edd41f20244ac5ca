//! The gateway websocket at `/gateway`: HELLO, IDENTIFY → READY (+ GUILD_CREATE with the GUILDS
//! intent), heartbeats and their ACKs, RESUME with replay of missed dispatches, and dispatching
//! events to the session that serves a guild's shard. Dispatches for a disconnected session wait
//! in its log and are replayed, with their sequence numbers, before RESUMED; every replay is
//! recorded. `hold_resumes` keeps RESUMEs unanswered until `release_resumes`, so a test can
//! dispatch while the client is provably disconnected. Frames are uncompressed JSON text (serenity
//! asks for payload compression in IDENTIFY, which Discord treats as optional).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxState;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::payloads;
use super::state::{ConnHandle, Outgoing, Session, Shared, State};
use super::world::World;
use super::FakeDiscord;

/// Test control of RESUME handling, and the record of replays.
#[derive(Debug, Default)]
pub struct Control {
    hold_resumes: bool,
    /// RESUMEs received while held: the connection and the payload's `d`.
    held: Vec<(ConnHandle, Value)>,
    replays: Vec<Replay>,
}

/// One successful RESUME: what the client had seen, what was replayed, and RESUMED's seq.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub session: String,
    /// The `seq` the client sent in RESUME: the last dispatch it had received.
    pub client_seq: u64,
    /// Sequence numbers of the dispatches replayed, in order (all above `client_seq`).
    pub replayed: Vec<u64>,
    /// The sequence number of the RESUMED dispatch that followed the replay.
    pub resumed_seq: u64,
}

/// A dispatch as logged in a session (sent, or waiting for a RESUME).
#[derive(Clone, Debug)]
pub struct Dispatch {
    pub session: String,
    pub shard: [u32; 2],
    pub seq: u64,
    pub event: String,
    pub data: Value,
}

/// `GET /gateway?v=10&encoding=json`, upgraded to a websocket.
pub async fn upgrade(AxState(shared): AxState<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(shared, socket))
}

async fn connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let conn_id = shared.conn_ids.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = ConnHandle { id: conn_id, tx };
    shared.update(|s| s.gateway.connections += 1);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": shared.opts.heartbeat_interval_ms}, "s": null, "t": null});
    if socket.send(text(&hello.to_string())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { break };
                let payload = match msg {
                    Message::Text(t) => t.to_string(),
                    Message::Binary(_) => {
                        shared.update(|s| s.violation("gateway: binary frame from client".into()));
                        continue;
                    }
                    Message::Close(_) => break,
                    _ => continue,
                };
                match serde_json::from_str::<Value>(&payload) {
                    Ok(v) => handle_op(&shared, &handle, v),
                    Err(e) => {
                        shared.update(|s| s.violation(format!("gateway: undecodable frame: {e}")));
                        close(&mut socket, 4002, "Error while decoding payload.").await;
                        break;
                    }
                }
            }
            out = rx.recv() => match out {
                Some(Outgoing::Frame(f)) => {
                    if socket.send(text(&f)).await.is_err() { break; }
                }
                Some(Outgoing::Close(Some(code))) => {
                    close(&mut socket, code, "fake discord closed the connection").await;
                    break;
                }
                Some(Outgoing::Close(None)) | None => break,
            }
        }
    }
    // Detach from whatever session this connection served; the session stays resumable.
    shared.update(|s| {
        for session in s.sessions.values_mut() {
            if session.conn.as_ref().is_some_and(|c| c.id == conn_id) {
                session.conn = None;
            }
        }
    });
}

fn text(s: &str) -> Message {
    Message::Text(s.to_owned().into())
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.to_owned().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

fn handle_op(shared: &Shared, conn: &ConnHandle, v: Value) {
    let send = |frame: Value| {
        let _ = conn.tx.send(Outgoing::Frame(frame.to_string()));
    };
    match v["op"].as_u64() {
        Some(1) => {
            let ack = shared.update(|s| {
                s.gateway.heartbeats += 1;
                !s.withhold_acks
            });
            if ack {
                send(json!({"op": 11, "d": null, "s": null, "t": null}));
            }
        }
        Some(2) => identify(shared, conn, &v["d"]),
        Some(6) => resume(shared, conn, &v["d"]),
        // Presence update, voice state, request guild members, request soundboard sounds.
        Some(3 | 4 | 8 | 31) => {}
        other => {
            shared.update(|s| s.violation(format!("gateway: unexpected opcode {other:?}")));
            let _ = conn.tx.send(Outgoing::Close(Some(4001)));
        }
    }
}

fn identify(shared: &Shared, conn: &ConnHandle, d: &Value) {
    let token = d["token"].as_str().unwrap_or("");
    if token.trim_start_matches("Bot ") != shared.world.token {
        shared.update(|s| s.violation("gateway: IDENTIFY with a wrong token".into()));
        let _ = conn.tx.send(Outgoing::Close(Some(4004)));
        return;
    }
    let shard = match d["shard"].as_array().map(|a| {
        (
            a.first().and_then(Value::as_u64),
            a.get(1).and_then(Value::as_u64),
        )
    }) {
        Some((Some(id), Some(total))) if id < total => [id as u32, total as u32],
        None => [0, 1],
        _ => {
            let _ = conn.tx.send(Outgoing::Close(Some(4010)));
            return;
        }
    };
    let intents = d["intents"].as_u64().unwrap_or(0);
    let session_id = format!("{:032x}", shared.snowflake() ^ 0x5eed_cafe_f00d_beef);
    let resume_url = shared.gateway_url();
    shared.update(|s| {
        s.gateway.identifies += 1;
        let session = Session {
            id: session_id.clone(),
            shard,
            intents,
            seq: 0,
            log: Vec::new(),
            conn: Some(conn.clone()),
            resumes: 0,
            invalid: false,
            created: shared.snowflake(),
        };
        s.sessions.insert(session_id.clone(), session);
        let ready = payloads::ready(&shared.world, &session_id, &resume_url, shard);
        push(s, &session_id, "READY", ready);
        if intents & 1 != 0 {
            for g in &shared.world.guilds {
                if World::shard_of(g.id, shard[1]) == shard[0] {
                    let guild = payloads::guild_create(&shared.world, g);
                    push(s, &session_id, "GUILD_CREATE", guild);
                }
            }
        }
    });
}

fn resume(shared: &Shared, conn: &ConnHandle, d: &Value) {
    let held = shared.update(|s| {
        let ctl = &mut s.gateway_ctl;
        if ctl.hold_resumes {
            ctl.held.push((conn.clone(), d.clone()));
        }
        ctl.hold_resumes
    });
    if !held {
        answer_resume(shared, conn, d);
    }
}

fn answer_resume(shared: &Shared, conn: &ConnHandle, d: &Value) {
    let session_id = d["session_id"].as_str().unwrap_or("").to_owned();
    let seq = d["seq"].as_u64().unwrap_or(0);
    let token_ok =
        d["token"].as_str().unwrap_or("").trim_start_matches("Bot ") == shared.world.token;
    shared.update(|s| {
        let known = s
            .sessions
            .get(&session_id)
            .is_some_and(|sess| !sess.invalid && token_ok);
        if !known {
            let frame = json!({"op": 9, "d": false, "s": null, "t": null});
            let _ = conn.tx.send(Outgoing::Frame(frame.to_string()));
            return;
        }
        s.gateway.resumes += 1;
        let mut replayed = Vec::new();
        if let Some(session) = s.sessions.get_mut(&session_id) {
            session.resumes += 1;
            if let Some(old) = session.conn.replace(conn.clone()) {
                if old.id != conn.id {
                    let _ = old.tx.send(Outgoing::Close(None));
                }
            }
            for (n, frame) in &session.log {
                if *n > seq {
                    let _ = conn.tx.send(Outgoing::Frame(frame.clone()));
                    replayed.push(*n);
                }
            }
        }
        s.gateway.replayed += replayed.len() as u64;
        push(
            s,
            &session_id,
            "RESUMED",
            json!({"_trace": ["[\"fake-discord-gateway\"]"]}),
        );
        let resumed_seq = s.sessions.get(&session_id).map_or(0, |sess| sess.seq);
        s.gateway_ctl.replays.push(Replay {
            session: session_id.clone(),
            client_seq: seq,
            replayed,
            resumed_seq,
        });
    });
}

/// Appends a dispatch to a session's log with the next sequence number and sends it if the
/// session is connected (otherwise it waits in the log for a RESUME).
pub fn push(s: &mut State, session_id: &str, event: &str, data: Value) {
    let Some(session) = s.sessions.get_mut(session_id) else {
        return;
    };
    session.seq += 1;
    let frame = dispatch_frame(event, session.seq, data);
    session.log.push((session.seq, frame.clone()));
    if let Some(conn) = &session.conn {
        let _ = conn.tx.send(Outgoing::Frame(frame));
    }
}

/// A dispatch (op 0) frame as sent on the wire.
pub fn dispatch_frame(event: &str, seq: u64, data: Value) -> String {
    json!({"op": 0, "t": event, "s": seq, "d": data}).to_string()
}

/// The live session serving `guild` (DMs go to shard 0), if any.
pub fn session_for(s: &State, guild: Option<u64>) -> Option<String> {
    s.sessions
        .values()
        .filter(|sess| !sess.invalid)
        .filter(|sess| {
            let shard = guild.map_or(0, |g| World::shard_of(g, sess.shard[1]));
            shard == sess.shard[0]
        })
        // A connected session beats a dropped one; then the newest wins.
        .max_by_key(|sess| (sess.conn.is_some(), sess.created))
        .map(|sess| sess.id.clone())
}

/// Closes every connection (`code` None: drop without a close frame). Sessions stay resumable.
pub fn close_all(s: &mut State, code: Option<u16>) -> usize {
    let mut closed = 0;
    for session in s.sessions.values_mut() {
        if let Some(conn) = session.conn.take() {
            let _ = conn.tx.send(Outgoing::Close(code));
            closed += 1;
        }
    }
    closed
}

/// Sends INVALID_SESSION to every connection and forgets the sessions unless `resumable`.
pub fn invalidate_all(s: &mut State, resumable: bool) {
    for session in s.sessions.values_mut() {
        if let Some(conn) = &session.conn {
            let frame = json!({"op": 9, "d": resumable, "s": null, "t": null});
            let _ = conn.tx.send(Outgoing::Frame(frame.to_string()));
        }
        session.invalid |= !resumable;
    }
}

impl FakeDiscord {
    /// From now on RESUMEs wait unanswered (no replay, no RESUMED, the session stays
    /// disconnected) until [`FakeDiscord::release_resumes`].
    pub fn hold_resumes(&self) {
        self.shared.update(|s| s.gateway_ctl.hold_resumes = true);
    }

    /// Waits until `n` RESUMEs are being held.
    pub async fn wait_held_resumes(&self, n: usize, timeout: std::time::Duration) -> bool {
        let held = self
            .shared
            .wait_for(timeout, |s| (s.gateway_ctl.held.len() >= n).then_some(()));
        held.await.is_some()
    }

    /// Answers the held RESUMEs (replay + RESUMED) and stops holding. Returns how many.
    pub fn release_resumes(&self) -> usize {
        let held = self.shared.update(|s| {
            s.gateway_ctl.hold_resumes = false;
            std::mem::take(&mut s.gateway_ctl.held)
        });
        // A connection that closed while held has nobody to answer.
        let open: Vec<_> = held
            .into_iter()
            .filter(|(c, _)| !c.tx.is_closed())
            .collect();
        for (conn, d) in &open {
            answer_resume(&self.shared, conn, d);
        }
        open.len()
    }

    /// Every successful RESUME so far, in order.
    pub fn replays(&self) -> Vec<Replay> {
        self.shared.read().gateway_ctl.replays.clone()
    }

    /// Dispatches of `event` (e.g. `"INTERACTION_CREATE"`) over all sessions, by session and seq.
    pub fn dispatches(&self, event: &str) -> Vec<Dispatch> {
        let s = self.shared.read();
        let mut out: Vec<Dispatch> = s
            .sessions
            .values()
            .flat_map(|sess| {
                sess.log.iter().filter_map(move |(seq, frame)| {
                    let v: Value = serde_json::from_str(frame).ok()?;
                    (v["t"] == event).then(|| Dispatch {
                        session: sess.id.clone(),
                        shard: sess.shard,
                        seq: *seq,
                        event: event.to_owned(),
                        data: v["d"].clone(),
                    })
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.session, a.seq).cmp(&(&b.session, b.seq)));
        out
    }
}
