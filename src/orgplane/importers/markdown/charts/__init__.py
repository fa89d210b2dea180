"""Charts drawn in code blocks: org charts, flow charts and Mermaid graphs."""
