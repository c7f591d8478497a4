"""The Qt user interface of MLP Studio. It may import ``mlpstudio.core``; never the reverse."""
