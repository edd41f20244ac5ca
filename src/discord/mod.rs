//! The Discord transports: the gateway (serenity) and our paced REST client.

pub mod gateway;
pub mod rest;
