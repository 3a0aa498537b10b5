import sys
from pathlib import Path

# tiny inline schools shared by the model tests
sys.path.insert(0, str(Path(__file__).parent / "model"))
