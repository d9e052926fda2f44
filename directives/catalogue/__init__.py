"""The catalogue of standard products (danh mục sản phẩm quy chuẩn): per regulation and job group,
the items a task's weight comes from (docs/RULES.md §6)."""
