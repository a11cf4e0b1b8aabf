mod cli_run;
mod hardening;
mod model;
mod properties;
