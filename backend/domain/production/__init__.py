"""Production (MES): products, BOMs, routings, production orders, execution, counts, labor, material."""
