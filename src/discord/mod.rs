//! The Discord transports: the gateway (serenity), the HTTP interactions endpoint (axum) and our
//! paced REST client.

pub mod deadline;
pub mod endpoint;
pub mod gateway;
pub mod multipart;
pub mod rest;
pub mod server;
