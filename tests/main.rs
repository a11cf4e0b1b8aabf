mod cli_run;
mod hardening;
mod model;
mod properties;
mod studies;
mod stability;
mod fuzz;
