//! The terminal [`Prompter`]: dialoguer prompts with validation, used only on a TTY.

use anyhow::Result;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use super::options::Prompter;

pub struct Terminal {
    theme: ColorfulTheme,
}

impl Terminal {
    pub fn new() -> Self {
        Self { theme: ColorfulTheme::default() }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

impl Prompter for Terminal {
    fn text(&mut self, prompt: &str, default: &str, check: &dyn Fn(&str) -> Result<(), String>) -> Result<String> {
        let mut input = Input::<String>::with_theme(&self.theme).with_prompt(prompt);
        if !default.is_empty() {
            input = input.default(default.to_string());
        }
        Ok(input.validate_with(|s: &String| check(s)).interact_text()?)
    }

    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize> {
        Ok(Select::with_theme(&self.theme).with_prompt(prompt).items(items).default(default).interact()?)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        Ok(Confirm::with_theme(&self.theme).with_prompt(prompt).default(default).interact()?)
    }
}
