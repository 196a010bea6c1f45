from . import mcube_integration
