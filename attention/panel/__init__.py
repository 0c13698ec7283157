"""Aligned, lookahead-safe per-theme panels (daily and weekly) built from the store."""

from attention.panel.build import PanelInputs, ThemePanel, build_panels, build_theme_panel, load_inputs

__all__ = ["PanelInputs", "ThemePanel", "build_panels", "build_theme_panel", "load_inputs"]
