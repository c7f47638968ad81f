"""Presentation: view state, figures, charts, page widgets and exports."""
